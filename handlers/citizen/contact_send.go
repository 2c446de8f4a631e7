package citizen

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/views"
)

var contactFields = []string{"objet", "demarche", "message", "nom", "email"}

// contactSend opens a conversation from "Contacter la mairie"
// (conversation.Manager.Open: its checks, its limits, the mail of its
// reference and private link), then shows the conversation.
func (s *Handlers) contactSend(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	complete := func(t map[string]string) bool {
		return t["objet"] != "" && t["message"] != "" && t["nom"] != "" && t["email"] != ""
	}
	mf, err := s.ReadMessageForm(c, cm.ID, 0, contactFields, complete)
	if err != nil {
		s.Fail(c, err)
		return
	}
	typed := mf.Typed()
	if mf.Refusal != "" {
		mf.Discard()
		s.showContact(c, http.StatusUnprocessableEntity, typed, views.FormErrors{"fichier": mf.Refusal})
		return
	}
	procedureID, _ := strconv.ParseInt(mf.Text["demarche"], 10, 64)
	in := conversation.OpenInput{Subject: mf.Text["objet"], Email: mf.Text["email"], Name: mf.Text["nom"], ProcedureID: procedureID,
		Client: c.ClientIP(), Message: conversation.MessageInput{Body: mf.Text["message"]}}
	var link, ref string
	err = s.Keep(c, mf, func(ups []conversation.Upload) error {
		in.Message.Files = ups
		cv, l, err := s.Conversations.Open(ctx, cm, conversation.Citizen(cm.ID, in.Name), in)
		if err == nil {
			link, ref = l, cv.Reference
		}
		return err
	})
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		s.showContact(c, web.StatusOf(e.Code), typed, web.MessageErrors(e.Fields, nil, "fichier", mf))
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(jobs.MailJob)
	s.SetFlash(c, views.FlashSuccess, "Votre message est envoyé à la mairie, sous la référence "+ref+". Nous venons d'envoyer à "+in.Email+" un lien personnel vers cette conversation : la réponse s'y affichera.")
	web.Redirect(c, pathOf(link))
}
