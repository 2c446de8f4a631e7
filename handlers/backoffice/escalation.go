package backoffice

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/models"
	"guichet/perm"
	"guichet/views"
	"guichet/workflow"
)

// escalationStatus says how an escalation stands, in French.
var escalationStatus = map[string]string{
	models.EscalationOpen:     "en cours",
	models.EscalationAnswered: "le niveau 2 a répondu",
	models.EscalationReturned: "renvoyée par le niveau 2",
	models.EscalationRevoked:  "retirée",
}

// escalationPanel is the "Niveau 2" part of a conversation's page
// (column "conversation_id") or a demand's ("demand_id"); typed and errs
// are a refused escalation's.
func (s *Handlers) escalationPanel(c *gin.Context, column string, id int64, base string, typed, errs map[string]string) (*views.EscalationPanel, error) {
	ctx := c.Request.Context()
	a := currentAgent(c)
	es, err := models.EscalationsOf(ctx, s.DB, a.CommuneID, column, id)
	if err != nil {
		return nil, err
	}
	p := &views.EscalationPanel{Base: base + "/escalade", Referent: a.Has(perm.Escalate), Values: typed, Errors: errs}
	for _, e := range es {
		it := views.EscalationItem{ID: e.ID, Label: e.Label, Email: e.Email, Referent: e.ReferentName, Problem: e.Problem,
			Note: e.Note, Status: escalationStatus[e.Status], At: e.CreatedAt, EndedAt: e.EndedAt}
		if e.Status == models.EscalationOpen {
			p.Current = &it
		} else {
			p.Past = append(p.Past, it)
		}
	}
	if p.Referent && p.Current == nil {
		ss, err := models.ListServices(ctx, s.DB, a.CommuneID, true)
		if err != nil {
			return nil, err
		}
		for _, sv := range ss {
			p.Level2 = append(p.Level2, views.Option{Value: strconv.FormatInt(sv.ID, 10), Label: "Service " + sv.Name})
		}
		p.Level2 = append(p.Level2, views.Option{Value: conversation.Level2Outside, Label: "Une équipe extérieure, par e-mail"})
	}
	return p, nil
}

// escalationForm reads the referent's form.
func escalationForm(c *gin.Context) (conversation.EscalateInput, map[string]string) {
	typed := map[string]string{}
	for _, k := range []string{"niveau2", "niveau2_email", "niveau2_nom", "reformulation"} {
		typed[k] = c.PostForm(k)
	}
	return conversation.EscalateInput{Level2: typed["niveau2"], Email: typed["niveau2_email"], Label: typed["niveau2_nom"], Problem: typed["reformulation"]}, typed
}

// escalated ends a referent's escalation or withdrawal: the mails woken
// and the page shown again, or the refusal.
func (s *Handlers) escalated(c *gin.Context, err error, back, done string, refused func(*apperr.Error)) {
	if e := apperr.As(err); err != nil && (len(e.Fields) > 0 || e.Code == apperr.Forbidden || e.Code == apperr.Conflict) {
		refused(e)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(jobs.MailJob)
	s.SetFlash(c, views.FlashSuccess, done)
	web.Redirect(c, back+"#titre-niveau2")
}

const (
	escalatedDone = "Escalade envoyée au niveau 2, avec votre reformulation. Vous recevez une confirmation par e-mail."
	revokedDone   = "Escalade retirée : le lien du niveau 2 ne donne plus accès."
)

// conversationEscalate escalates the conversation to level 2 (a referent).
func (s *Handlers) conversationEscalate(c *gin.Context) {
	cv, ok := s.agentConversation(c)
	if !ok {
		return
	}
	in, typed := escalationForm(c)
	in.ConversationID = cv.ID
	_, err := s.Conversations.Escalate(c.Request.Context(), web.Commune(c), workflow.AgentActor(currentAgent(c)), in)
	s.escalated(c, err, conversationPath(cv.ID), escalatedDone, func(e *apperr.Error) {
		s.showAgentConversation(c, cv, web.StatusOf(e.Code), composerState{escalation: typed, escalationErrs: e.Fields, errs: prefixed("escalade-", e.Fields)}, refusalFlash(e))
	})
}

// conversationEscalationRevoke withdraws the conversation's open escalation.
func (s *Handlers) conversationEscalationRevoke(c *gin.Context) {
	cv, ok := s.agentConversation(c)
	if !ok {
		return
	}
	err := s.Conversations.RevokeEscalation(c.Request.Context(), workflow.AgentActor(currentAgent(c)), cv.ID, 0, web.IDParam(c, "eid"))
	s.escalated(c, err, conversationPath(cv.ID), revokedDone, func(e *apperr.Error) {
		s.showAgentConversation(c, cv, web.StatusOf(e.Code), composerState{}, refusalFlash(e))
	})
}

// demandEscalate escalates the demand to level 2 (a referent).
func (s *Handlers) demandEscalate(c *gin.Context) {
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	in, typed := escalationForm(c)
	in.DemandID = d.ID
	_, err := s.Conversations.Escalate(c.Request.Context(), web.Commune(c), workflow.AgentActor(currentAgent(c)), in)
	s.escalated(c, err, demandURL(d.ID), escalatedDone, func(e *apperr.Error) {
		s.showAgentDemand(c, d, demandState{action: "escalade", escalation: typed, errs: e.Fields}, web.StatusOf(e.Code), refusalFlash(e))
	})
}

// demandEscalationRevoke withdraws the demand's open escalation.
func (s *Handlers) demandEscalationRevoke(c *gin.Context) {
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	err := s.Conversations.RevokeEscalation(c.Request.Context(), workflow.AgentActor(currentAgent(c)), 0, d.ID, web.IDParam(c, "eid"))
	s.escalated(c, err, demandURL(d.ID), revokedDone, func(e *apperr.Error) {
		s.showAgentDemand(c, d, demandState{}, web.StatusOf(e.Code), refusalFlash(e))
	})
}

// prefixed are a form's errors by the ids of its inputs.
func prefixed(prefix string, errs map[string]string) views.FormErrors {
	out := views.FormErrors{}
	for k, v := range errs {
		out[prefix+k] = v
	}
	return out
}

// refusalFlash shows a refusal that names no field (a right, a conflict).
func refusalFlash(e *apperr.Error) *views.Flash {
	if len(e.Fields) > 0 {
		return nil
	}
	return &views.Flash{Kind: views.FlashError, Text: e.Message}
}
