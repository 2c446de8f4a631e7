package citizen

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/models"
	"guichet/views"
)

// conversationReply posts the citizen's message in the thread of their
// private link (reopening it, or opening a new one after a resolved one
// too old: the page then moves to the new conversation's link).
func (s *Handlers) conversationReply(c *gin.Context) {
	ctx := c.Request.Context()
	cv, base := conversationOf(c)
	mf, err := s.ReadMessageForm(c, cv.CommuneID, cv.ID, []string{"message"}, func(t map[string]string) bool { return t["message"] != "" })
	if err != nil {
		s.Fail(c, err)
		return
	}
	if mf.Refusal != "" {
		mf.Discard()
		s.showConversation(c, http.StatusUnprocessableEntity, mf.Text["message"], views.FormErrors{"fichier": mf.Refusal})
		return
	}
	var got *models.Conversation
	err = s.Keep(c, mf, func(ups []conversation.Upload) error {
		var err error
		got, _, err = s.Conversations.Post(ctx, web.Commune(c), conversation.CitizenOf(cv), cv.ID, conversation.MessageInput{Body: mf.Text["message"], Files: ups})
		return err
	})
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		s.showConversation(c, web.StatusOf(e.Code), mf.Text["message"], web.MessageErrors(e.Fields, map[string]string{"message": "message"}, "fichier", mf))
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(jobs.MailJob)
	to := base
	if got.ID != cv.ID { // a new conversation follows a resolved one
		link, err := s.Notifier.ConversationURL(web.Commune(c), got)
		if err != nil {
			s.Fail(c, err)
			return
		}
		to = pathOf(link)
	}
	s.SetFlash(c, views.FlashSuccess, "Votre message est envoyé à la mairie. Vous recevrez sa réponse par e-mail.")
	web.Redirect(c, to+"#repondre")
}
