package backoffice

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/views"
	"guichet/workflow"
)

// conversationForward forwards a citizen's message to an outside address
// with a covering note (conversation.Manager.Forward).
func (s *Handlers) conversationForward(c *gin.Context) {
	cv, ok := s.agentConversation(c)
	if !ok {
		return
	}
	msgID, _ := strconv.ParseInt(c.PostForm("message_transmis"), 10, 64)
	err := s.Conversations.Forward(c.Request.Context(), web.Commune(c), workflow.AgentActor(currentAgent(c)), cv.ID, msgID, c.PostForm("destinataire"), c.PostForm("note"))
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		pg := composerState{errs: e.Fields, form: map[string]any{"message_transmis": c.PostForm("message_transmis"),
			"destinataire": c.PostForm("destinataire"), "note": c.PostForm("note")}}
		s.showAgentConversation(c, cv, web.StatusOf(e.Code), pg, nil)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(jobs.MailJob)
	s.SetFlash(c, views.FlashSuccess, "Message transféré. L'usager est prévenu du transfert et du destinataire.")
	web.Redirect(c, conversationPath(cv.ID)+"#fil")
}
