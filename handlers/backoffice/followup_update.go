package backoffice

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/satisfaction"
	"guichet/views"
	"guichet/workflow"
)

// followUpUpdate records what was done about a low rating, and closes its
// follow-up when asked ("Enregistrer et clore").
func (s *Handlers) followUpUpdate(c *gin.Context) {
	id := web.IDParam(c, "rid")
	key := fmt.Sprintf("suivi-%d", id)
	in := satisfaction.FollowUpInput{Note: c.PostForm("suivi"), Close: c.PostForm("clore") != ""}
	err := s.Satisfaction.RecordFollowUp(c.Request.Context(), workflow.AgentActor(currentAgent(c)), id, in)
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		s.showFollowUps(c, web.StatusOf(e.Code), map[string]any{key: in.Note}, views.FormErrors{key: e.Fields["suivi"]})
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	msg := "Le suivi est noté."
	if in.Close {
		msg = "Le suivi est noté et clos."
	}
	s.SetFlash(c, views.FlashSuccess, msg)
	web.Redirect(c, "/gestion/supervision/suivis")
}
