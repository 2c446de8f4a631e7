package service

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/models"
	"guichet/servicelink"
	"guichet/views"
)

// escalationLink opens level 2's link of the URL (servicelink.CheckEscalation),
// or shows why it does not and returns nil: an escalation over, expired or
// revoked shows nothing of the demand any more.
func (s *Handlers) escalationLink(c *gin.Context) *servicelink.Access {
	c.Header("X-Robots-Tag", "noindex, nofollow")
	l, err := servicelink.CheckEscalation(c.Request.Context(), s.DB, s.Links, c.Param("commune"), c.Param("token"))
	if l != nil {
		c.Set(web.KeyCommune, l.Commune)
	}
	switch err {
	case nil:
		return l
	case servicelink.ErrNoCommune:
		s.linkNotFound(c)
	case servicelink.ErrCommuneClosed:
		s.CommuneClosed(c, l.Commune)
	case servicelink.ErrInvalid:
		s.RenderError(c, http.StatusForbidden, "Lien invalide",
			"Ce lien n'est pas valide : il est incomplet, a été modifié, ou n'est plus reconnu. Vérifiez que vous avez copié l'adresse en entier depuis l'e-mail reçu.")
	case servicelink.ErrEnded:
		s.RenderError(c, http.StatusGone, "Escalade terminée",
			"Cette escalade est terminée : vous avez répondu ou renvoyé la demande, ou la mairie l'a retirée. Ce lien ne donne plus accès. Pour toute question, contactez l'accueil de la mairie.")
	case servicelink.ErrExpired:
		s.RenderError(c, http.StatusGone, "Lien expiré",
			"Ce lien a expiré : pour votre sécurité, les liens envoyés au niveau 2 ont une durée limitée. Demandez au référent de la mairie de vous écrire à nouveau.")
	case servicelink.ErrRevoked, servicelink.ErrDeactivated:
		s.RenderError(c, http.StatusGone, "Lien révoqué",
			"La mairie a révoqué les liens de votre service : celui-ci ne donne plus accès.")
	default:
		s.Fail(c, err)
	}
	return nil
}

// escalationShow is level 2's page: the referent's reformulation, the
// exchanges with the citizen (no internal note), a demand's answers, and
// the forms to answer the citizen or send it back.
func (s *Handlers) escalationShow(c *gin.Context) {
	if l := s.escalationLink(c); l != nil {
		s.renderEscalation(c, l, http.StatusOK, views.Page{})
	}
}

func (s *Handlers) renderEscalation(c *gin.Context, l *servicelink.Access, status int, typed views.Page) {
	ctx := c.Request.Context()
	e, cm := l.Escalation, l.Commune
	d := views.Level2Page{Base: c.Request.URL.Path, Level2: e.Label, Referent: e.ReferentName, Problem: e.Problem, Expires: l.Claims.ExpiresAt()}
	if c.Request.Method == http.MethodPost {
		d.Base = c.Request.URL.Path[:len(c.Request.URL.Path)-len("/"+c.Param("op"))]
	}
	var cv *models.Conversation
	var err error
	if e.ConversationID != nil {
		cv, err = models.ConversationByID(ctx, s.DB, cm.ID, *e.ConversationID)
	} else {
		var dm *models.Demand
		if dm, err = models.DemandByID(ctx, s.DB, cm.ID, *e.DemandID); err == nil {
			var p *models.Procedure
			if p, err = models.DemandProcedure(ctx, s.DB, dm); err == nil {
				d.Reference, d.Subject, d.Citizen, d.Demand = dm.Reference, p.Title, dm.CitizenEmail, web.DemandFields(p, dm)
				cv, _, err = conversation.AboutDemand(ctx, s.DB, dm)
			}
		}
	}
	if err == nil && cv != nil {
		if e.ConversationID != nil {
			d.Reference, d.Subject, d.Citizen = cv.Reference, cv.Subject, cv.CitizenName
		}
		var ms []models.Message
		if ms, err = models.Thread(ctx, s.DB, cm.ID, cv.ID, true); err == nil {
			d.Thread = web.Thread(ms, false, nil, func(models.ConversationFile) string { return "" })
		}
	}
	if err == nil {
		var ref *models.Agent
		if ref, err = models.AgentByID(ctx, s.DB, cm.ID, e.ReferentID); err == nil {
			d.Held = ref.Profile.Permissions.RepliesHeld()
		}
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, "Escalade au niveau 2 : "+d.Subject)
	p.Form, p.Errors, p.Data = typed.Form, typed.Errors, d
	s.Render(c, status, "service/escalation", p)
}

// escalationAct is level 2 answering the citizen ("repondre") or sending
// the escalation back with a note ("renvoyer"); either ends the escalation.
func (s *Handlers) escalationAct(c *gin.Context) {
	l := s.escalationLink(c)
	if l == nil {
		return
	}
	ctx := c.Request.Context()
	var err error
	var field, done string
	switch c.Param("op") {
	case "repondre":
		field, done = "message", "Votre réponse a été envoyée à l'usager. Le référent en est prévenu ; ce lien ne donne plus accès."
		var held bool
		held, err = s.Conversations.AnswerEscalation(ctx, l.Commune, l.Escalation.ID, c.PostForm("message"))
		if held {
			done = "Votre réponse a été transmise : elle partira vers l'usager une fois validée par la mairie. Le référent en est prévenu ; ce lien ne donne plus accès."
		}
	case "renvoyer":
		field, done = "note", "La demande a été renvoyée au référent avec votre note. Ce lien ne donne plus accès."
		err = s.Conversations.ReturnEscalation(ctx, l.Commune, l.Escalation.ID, c.PostForm("note"))
	default:
		s.linkNotFound(c)
		return
	}
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		s.renderEscalation(c, l, web.StatusOf(e.Code), views.Page{Form: map[string]any{field: c.PostForm(field)}, Errors: e.Fields})
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(jobs.MailJob)
	p := s.Page(c, "C'est fait")
	p.Data = views.ErrorData{Title: "C'est fait", Message: done}
	s.Render(c, http.StatusOK, "error", p)
}
