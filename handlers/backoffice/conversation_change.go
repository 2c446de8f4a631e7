package backoffice

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// changeConversation runs a change made from the conversation's page with
// the version the page showed: a stale page gets "modifiée entre-temps",
// the conversation as it is now, and nothing changed.
func (s *Handlers) changeConversation(c *gin.Context, done string, change func(actor workflow.Actor, id int64, version int) (*models.Conversation, error)) {
	cv, ok := s.agentConversation(c)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	changed, err := change(workflow.AgentActor(currentAgent(c)), cv.ID, version)
	switch {
	case err == nil && !conversation.Scope(currentAgent(c)).MayRead(changed):
		// Given to a service's team: out of the agent's scope now.
		s.SetFlash(c, views.FlashSuccess, done+" La conversation n'est plus dans vos vues.")
		web.Redirect(c, inboxPath)
	case err == nil:
		s.SetFlash(c, views.FlashSuccess, done)
		web.Redirect(c, conversationPath(cv.ID)+"#gerer")
	case apperr.CodeOf(err) == apperr.Conflict || apperr.CodeOf(err) == apperr.Invalid:
		e := apperr.As(err)
		msg := e.Message
		for _, m := range e.Fields {
			msg = m
		}
		cv, ok = s.agentConversation(c)
		if ok {
			s.showAgentConversation(c, cv, web.StatusOf(e.Code), composerState{}, &views.Flash{Kind: views.FlashError, Text: msg})
		}
	default:
		s.Fail(c, err)
	}
}

// conversationStatusUpdate changes the status.
func (s *Handlers) conversationStatusUpdate(c *gin.Context) {
	s.changeConversation(c, "Statut changé.", func(actor workflow.Actor, id int64, version int) (*models.Conversation, error) {
		return s.Conversations.SetStatus(c.Request.Context(), actor, id, version, c.PostForm("statut"))
	})
}

// conversationAssign gives the conversation to an agent ("moi": to oneself; "": to nobody).
func (s *Handlers) conversationAssign(c *gin.Context) {
	agentID, _ := strconv.ParseInt(c.PostForm("agent"), 10, 64)
	if c.PostForm("agent") == "moi" {
		agentID = currentAgent(c).ID
	}
	s.changeConversation(c, "Attribution enregistrée.", func(actor workflow.Actor, id int64, version int) (*models.Conversation, error) {
		return s.Conversations.Assign(c.Request.Context(), actor, id, version, agentID)
	})
}

// conversationTeamUpdate gives the conversation to the accueil or a service.
func (s *Handlers) conversationTeamUpdate(c *gin.Context) {
	serviceID, _ := strconv.ParseInt(c.PostForm("equipe"), 10, 64)
	s.changeConversation(c, "Équipe changée.", func(actor workflow.Actor, id int64, version int) (*models.Conversation, error) {
		return s.Conversations.SetTeam(c.Request.Context(), actor, id, version, serviceID)
	})
}

// conversationTag puts a tag on the conversation (created if new), or with off takes it off.
func (s *Handlers) conversationTag(off bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		cv, ok := s.agentConversation(c)
		if !ok {
			return
		}
		name := c.PostForm("etiquette")
		err := s.Conversations.Tag(c.Request.Context(), workflow.AgentActor(currentAgent(c)), cv.ID, name, off)
		if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
			s.showAgentConversation(c, cv, web.StatusOf(e.Code), composerState{errs: views.FormErrors{"etiquette": e.Fields["etiquette"]}, form: map[string]any{"etiquette": name}}, nil)
			return
		}
		if err != nil {
			s.Fail(c, err)
			return
		}
		s.SetFlash(c, views.FlashSuccess, map[bool]string{false: "Étiquette ajoutée.", true: "Étiquette retirée."}[off])
		web.Redirect(c, conversationPath(cv.ID)+"#gerer")
	}
}

// conversationMerge moves this conversation into another of the same citizen, named by its reference.
func (s *Handlers) conversationMerge(c *gin.Context) {
	ctx := c.Request.Context()
	cv, ok := s.agentConversation(c)
	if !ok {
		return
	}
	refuse := func(status int, msg string) {
		pg := composerState{errs: views.FormErrors{"avec": msg}, form: map[string]any{"avec": c.PostForm("avec")}}
		s.showAgentConversation(c, cv, status, pg, nil)
	}
	into, err := models.ConversationByReference(ctx, s.DB, cv.CommuneID, c.PostForm("avec"))
	if err != nil {
		refuse(422, "Aucune conversation de cette référence : copiez-la depuis la page de l'autre conversation (M-…).")
		return
	}
	target, err := s.Conversations.Merge(ctx, workflow.AgentActor(currentAgent(c)), cv.ID, into.ID)
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		refuse(web.StatusOf(e.Code), e.Fields["avec"])
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Conversation fusionnée : ses messages sont maintenant ici.")
	web.Redirect(c, conversationPath(target.ID)+"#fil")
}
