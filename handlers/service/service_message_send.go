package service

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/views"
)

const messageSlug = "message-usager"

// serviceMessageSend: a service holding a demand writes to the citizen, in
// the demand's conversation, through its link; the citizen gets it by
// e-mail and the accueil reads it in the conversation.
func (s *Handlers) serviceMessageSend(c *gin.Context) {
	ctx := c.Request.Context()
	l := s.serviceLink(c)
	if l == nil {
		return
	}
	if !l.CanAct() {
		s.renderServiceStatus(c, l, http.StatusForbidden, "", nil)
		return
	}
	cv, _, err := conversation.AboutDemand(ctx, s.DB, l.Demand)
	if err != nil {
		s.Fail(c, err)
		return
	}
	var cvID int64
	if cv != nil {
		cvID = cv.ID
	}
	mf, err := s.ReadMessageForm(c, l.Commune.ID, cvID, []string{"usager-message", "usager-person"}, func(t map[string]string) bool { return t["usager-message"] != "" })
	if err != nil {
		s.Fail(c, err)
		return
	}
	typed := map[string]any{"usager-message": mf.Text["usager-message"], "usager-person": mf.Text["usager-person"], "open": messageSlug}
	if mf.Refusal != "" {
		mf.Discard()
		s.renderServiceDemand(c, l, http.StatusUnprocessableEntity, "service/show", views.Page{Form: typed, Errors: views.FormErrors{"usager-fichier": mf.Refusal}})
		return
	}
	err = s.Keep(c, mf, func(ups []conversation.Upload) error {
		_, err := s.Conversations.WriteAboutDemand(ctx, l.Commune, l.Demand, l.Procedure, l.Actor(mf.Text["usager-person"]),
			conversation.MessageInput{Body: mf.Text["usager-message"], Files: ups})
		return err
	})
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		s.renderServiceDemand(c, l, web.StatusOf(e.Code), "service/show", views.Page{Form: typed,
			Errors: web.MessageErrors(e.Fields, map[string]string{"message": "usager-message"}, "usager-fichier", mf)})
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(jobs.MailJob)
	s.SetFlash(c, views.FlashSuccess, "Votre message est envoyé à l'usager par e-mail. L'accueil le lit dans la conversation de la demande.")
	web.Redirect(c, l.Path()+"#echanges")
}
