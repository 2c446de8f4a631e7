package backoffice

import (
	"fmt"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/views"
	"guichet/workflow"
)

// pendingField is the id of a held reply's field on the conversation page.
func pendingField(replyID int64, field string) string {
	return fmt.Sprintf("a-valider-%d-%s", replyID, field)
}

// pendingReplyAct runs an action on a held reply with the version the page
// showed and the text typed in field: refused, the page comes back with
// the text kept, or, if the reply changed meanwhile, as it is now.
func (s *Handlers) pendingReplyAct(c *gin.Context, field, done string, act func(actor workflow.Actor, cvID, replyID int64, version int, text string) error) {
	cv, ok := s.agentConversation(c)
	if !ok {
		return
	}
	replyID := web.IDParam(c, "rid")
	version, _ := strconv.Atoi(c.PostForm("version"))
	text := c.PostForm(field)
	err := act(workflow.AgentActor(currentAgent(c)), cv.ID, replyID, version, text)
	e := apperr.As(err)
	switch {
	case err == nil:
		s.Jobs.Wake(jobs.MailJob)
		s.SetFlash(c, views.FlashSuccess, done)
		web.Redirect(c, conversationPath(cv.ID)+"#a-valider")
	case len(e.Fields) > 0:
		st := composerState{pendingID: replyID, pendingField: field, pendingText: text, errs: views.FormErrors{}}
		for _, msg := range e.Fields {
			st.errs[pendingField(replyID, field)] = msg
		}
		s.showAgentConversation(c, cv, web.StatusOf(e.Code), st, nil)
	case e.Code == apperr.Conflict:
		s.showAgentConversation(c, cv, web.StatusOf(e.Code), composerState{}, &views.Flash{Kind: views.FlashError, Text: e.Message})
	default:
		s.Fail(c, err)
	}
}

// pendingReplySend sends a held reply, as the validator edited it.
func (s *Handlers) pendingReplySend(c *gin.Context) {
	s.pendingReplyAct(c, "message", "Réponse validée et envoyée à l'usager.", func(actor workflow.Actor, cvID, replyID int64, version int, text string) error {
		return s.Conversations.SendHeld(c.Request.Context(), web.Commune(c), actor, cvID, replyID, version, text)
	})
}

// pendingReplyReturn returns a held reply to its author with a comment.
func (s *Handlers) pendingReplyReturn(c *gin.Context) {
	s.pendingReplyAct(c, "commentaire", "Réponse renvoyée à son auteur avec votre commentaire.", func(actor workflow.Actor, cvID, replyID int64, version int, text string) error {
		return s.Conversations.ReturnHeld(c.Request.Context(), actor, cvID, replyID, version, text)
	})
}

// pendingReplyRevise is the author correcting their held reply.
func (s *Handlers) pendingReplyRevise(c *gin.Context) {
	s.pendingReplyAct(c, "message", "Réponse corrigée : elle attend de nouveau la validation.", func(actor workflow.Actor, cvID, replyID int64, version int, text string) error {
		return s.Conversations.ReviseHeld(c.Request.Context(), actor, cvID, replyID, version, text)
	})
}
