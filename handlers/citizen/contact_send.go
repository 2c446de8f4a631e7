package citizen

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/models"
	"guichet/views"
)

var contactFields = []string{"objet", "demarche", "message", "nom", "email", "article"}

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
		s.showContact(c, http.StatusUnprocessableEntity, true, typed, views.FormErrors{"fichier": mf.Refusal})
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
		s.showContact(c, web.StatusOf(e.Code), true, typed, web.MessageErrors(e.Fields, nil, "fichier", mf))
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(jobs.MailJob)
	// The message is sent: a count that fails is logged, not shown.
	if err := s.countOpenedAfter(c, mf.Text["article"]); err != nil {
		s.Log.Error("count the article read before writing", "err", err)
	}
	s.SetFlash(c, views.FlashSuccess, "Votre message est envoyé à la mairie, sous la référence "+ref+". Nous venons d'envoyer à "+in.Email+" un lien personnel vers cette conversation : la réponse s'y affichera.")
	web.Redirect(c, pathOf(link))
}

// countOpenedAfter counts, on the public article the citizen read before
// writing (its id from the form, "" if none), a conversation opened
// nonetheless. An id that is not one of the commune's public articles
// counts nothing.
func (s *Handlers) countOpenedAfter(c *gin.Context, article string) error {
	id, _ := strconv.ParseInt(article, 10, 64)
	if id == 0 {
		return nil
	}
	cm := web.Commune(c)
	a, err := models.ArticleByID(c.Request.Context(), s.DB, cm.ID, id)
	if errors.Is(err, models.ErrNotFound) || (err == nil && !a.Public) {
		return nil
	}
	if err != nil {
		return err
	}
	return models.CountArticle(c.Request.Context(), s.DB, cm.ID, a.ID, models.ArticleOpened)
}
