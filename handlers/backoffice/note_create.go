package backoffice

import (
	"errors"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/views"
	"guichet/workflow"
)

// noteCreate adds an internal note to the demand's history: agents and
// services read it, the citizen never does. It changes nothing else, not
// even the demand's version, so nobody's open page goes stale for a note.
func (s *Handlers) noteCreate(c *gin.Context) {
	ctx := c.Request.Context()
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	_, err := s.Engine.Note(ctx, d.ID, workflow.AgentActor(currentAgent(c)), c.PostForm("message"))
	var e *apperr.Error
	switch {
	case err == nil:
		s.SetFlash(c, views.FlashSuccess, "Note ajoutée à l'historique. L'usager ne la voit pas.")
		web.Redirect(c, demandBackURL(d.ID, backURL(c))+"#historique")
	case errors.As(err, &e) && (e.Code == apperr.Invalid || e.Code == apperr.Forbidden):
		st := demandState{action: "note", values: map[string]any{"message": c.PostForm("message")}, errs: e.Fields}
		var flash *views.Flash
		if e.Code == apperr.Forbidden {
			flash = &views.Flash{Kind: views.FlashError, Text: e.Message}
		}
		s.showAgentDemand(c, d, st, web.StatusOf(e.Code), flash)
	default:
		s.Fail(c, err)
	}
}
