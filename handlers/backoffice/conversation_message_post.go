package backoffice

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// The composer's modes: a reply the citizen receives, a note they never
// see, a call or visit logged in the thread.
const (
	modeReply = "reponse"
	modeNote  = "note"
	modeLog   = "echange"
)

// conversationMessagePost adds the composer's message: a reply to the
// citizen, an internal note, or a call or visit logged. Two agents writing
// at once both get their message in, in order.
func (s *Handlers) conversationMessagePost(c *gin.Context) {
	ctx := c.Request.Context()
	cv, ok := s.agentConversation(c)
	if !ok {
		return
	}
	mf, err := s.ReadMessageForm(c, cv.CommuneID, cv.ID, []string{"mode", "canal", "modele", "message", "inserer", "article", "article_q"},
		func(t map[string]string) bool { return t["message"] != "" && t["inserer"] == "" })
	if err != nil {
		s.Fail(c, err)
		return
	}
	mode := mf.Text["mode"]
	in := conversation.MessageInput{Body: mf.Text["message"]}
	switch mode {
	case modeNote:
		in.Internal = true
	case modeLog:
		in.Channel = mf.Text["canal"]
	default:
		mode = modeReply
	}
	st := composerState{mode: mode, body: mf.Text["message"], channel: mf.Text["canal"], articleQuery: mf.Text["article_q"]}
	if mf.Text["inserer"] != "" {
		// Searching or inserting an article's link sends nothing: the
		// composer comes back with the text (and the link at its end).
		mf.Discard()
		if mf.Text["inserer"] == "article" {
			s.insertArticleLink(c, cv, &st, mf.Text["article"])
		}
		s.showAgentConversation(c, cv, http.StatusOK, st, nil)
		return
	}
	if mode == modeLog && in.Channel != models.ChannelPhone && in.Channel != models.ChannelCounter {
		mf.Refusal = "Choisissez « Téléphone » ou « Guichet physique »."
	}
	if mf.Refusal != "" {
		mf.Discard()
		st.errs = views.FormErrors{mode + "-fichier": mf.Refusal}
		if mode == modeLog {
			st.errs = views.FormErrors{"echange-message": mf.Refusal}
		}
		s.showAgentConversation(c, cv, http.StatusUnprocessableEntity, st, nil)
		return
	}
	var msg *models.Message
	err = s.Keep(c, mf, func(ups []conversation.Upload) error {
		in.Files = ups
		var err error
		_, msg, err = s.Conversations.Post(ctx, web.Commune(c), workflow.AgentActor(currentAgent(c)), cv.ID, in)
		return err
	})
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		st.errs = web.MessageErrors(e.Fields, map[string]string{"message": mode + "-message", "canal": mode + "-canal"}, mode+"-fichier", mf)
		s.showAgentConversation(c, cv, web.StatusOf(e.Code), st, nil)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	if id, _ := strconv.ParseInt(mf.Text["modele"], 10, 64); id != 0 && mode == modeReply {
		if err := models.CountSavedReplyUse(ctx, s.DB, cv.CommuneID, id); err != nil {
			s.Fail(c, err)
			return
		}
	}
	s.Jobs.Wake(jobs.MailJob)
	text := map[string]string{modeReply: "Message envoyé à l'usager.", modeNote: "Note enregistrée. L'usager ne la voit pas.", modeLog: "Échange consigné dans le fil."}[mode]
	if msg == nil { // held for validation
		s.SetFlash(c, views.FlashSuccess, "Réponse soumise à validation : l'usager ne la recevra qu'une fois validée.")
		web.Redirect(c, conversationPath(cv.ID)+"#a-valider")
		return
	}
	s.SetFlash(c, views.FlashSuccess, text)
	web.Redirect(c, conversationPath(cv.ID)+"#fil")
}

// insertArticleLink adds the line of the commune's public article id at
// the end of the reply being written (nothing for an id that is not one).
func (s *Handlers) insertArticleLink(c *gin.Context, cv *models.Conversation, st *composerState, id string) {
	n, _ := strconv.ParseInt(id, 10, 64)
	a, err := models.ArticleByID(c.Request.Context(), s.DB, cv.CommuneID, n)
	if err != nil || !a.Public {
		return
	}
	line := s.articleLine(web.Commune(c), a)
	if st.body != "" && !strings.HasSuffix(st.body, "\n") {
		st.body += "\n"
	}
	st.body += line + "\n"
}
