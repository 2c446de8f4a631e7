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
	"guichet/workflow"
)

// demandExchange is the thread of the demand's conversations with the
// citizen's address, external messages only, the commune's new replies
// marked (then recorded as read), and the form that writes in it.
func (s *Handlers) demandExchange(c *gin.Context, d *models.Demand, base string, st formState) (views.DemandThread, error) {
	ctx := c.Request.Context()
	ex := views.DemandThread{Composer: s.Composer(base + "/messages"), Message: st.message}
	_, mine, err := conversation.AboutDemand(ctx, s.DB, d)
	if err != nil {
		return ex, err
	}
	for i := range mine {
		cv := &mine[i]
		ms, err := models.Thread(ctx, s.DB, d.CommuneID, cv.ID, true)
		if err != nil {
			return ex, err
		}
		ex.Thread = append(ex.Thread, web.Thread(ms, true, cv.CitizenSeenAt, web.FileURL(base+"/messages"))...)
		if err := models.MarkReadByCitizen(ctx, s.DB, cv, s.Clock.Now()); err != nil {
			return ex, err
		}
	}
	return ex, nil
}

// demandMessageSend posts the citizen's "Écrire à la mairie" from the
// follow page, in the demand's conversation (opened with the first message).
func (s *Handlers) demandMessageSend(c *gin.Context) {
	ctx := c.Request.Context()
	d, p, base := followed(c)
	if d.State == workflow.Draft {
		s.RenderError(c, http.StatusForbidden, "Action impossible", "Déposez d'abord votre demande : vous pourrez ensuite écrire à la mairie à son sujet. Pour une question dès maintenant, utilisez « Contacter la mairie ».")
		return
	}
	cv, _, err := conversation.AboutDemand(ctx, s.DB, d)
	if err != nil {
		s.Fail(c, err)
		return
	}
	var cvID int64
	if cv != nil {
		cvID = cv.ID
	}
	mf, err := s.ReadMessageForm(c, d.CommuneID, cvID, []string{"message"}, func(t map[string]string) bool { return t["message"] != "" })
	if err != nil {
		s.Fail(c, err)
		return
	}
	if mf.Refusal != "" {
		mf.Discard()
		s.showDemand(c, http.StatusUnprocessableEntity, formState{message: mf.Text["message"], messageErrs: views.FormErrors{"echange-fichier": mf.Refusal}}, nil)
		return
	}
	err = s.Keep(c, mf, func(ups []conversation.Upload) error {
		_, err := s.Conversations.WriteAboutDemand(ctx, web.Commune(c), d, p, conversation.CitizenOfDemand(d), conversation.MessageInput{Body: mf.Text["message"], Files: ups})
		return err
	})
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		s.showDemand(c, web.StatusOf(e.Code), formState{message: mf.Text["message"],
			messageErrs: web.MessageErrors(e.Fields, map[string]string{"message": "echange-message"}, "echange-fichier", mf)}, nil)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(jobs.MailJob)
	s.SetFlash(c, views.FlashSuccess, "Votre message est envoyé à la mairie. Vous recevrez sa réponse par e-mail, et elle s'affichera sur cette page.")
	web.Redirect(c, base+"#titre-echanges")
}

// demandMessageFile sends a file of the demand's thread with the citizen.
func (s *Handlers) demandMessageFile(c *gin.Context) {
	ctx := c.Request.Context()
	d, _, _ := followed(c)
	_, mine, err := conversation.AboutDemand(ctx, s.DB, d)
	if err != nil {
		s.Fail(c, err)
		return
	}
	for _, cv := range mine {
		if f, err := models.ConversationFileByID(ctx, s.DB, d.CommuneID, cv.ID, web.IDParam(c, "id"), true); err == nil {
			s.SendConversationFile(c, f)
			return
		}
	}
	s.Fail(c, models.ErrNotFound)
}
