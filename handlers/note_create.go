package handlers

import (
	"errors"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/views"
	"guichet/workflow"
)

// noteCreate adds an internal note to the demand's history: agents and
// services read it, the citizen never does. It changes nothing else, not
// even the demand's version, so nobody's open page goes stale for a note.
func (s *Server) noteCreate(c *gin.Context) {
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	_, err := s.Engine.Note(c, d.ID, workflow.AgentActor(currentAgent(c)), c.PostForm("message"))
	var e *apperr.Error
	switch {
	case err == nil:
		s.setFlash(c, views.FlashSuccess, "Note ajoutée à l'historique. L'usager ne la voit pas.")
		redirect(c, demandBackURL(d.ID, backURL(c))+"#historique")
	case errors.As(err, &e) && (e.Code == apperr.Invalid || e.Code == apperr.Forbidden):
		st := demandState{action: "note", values: map[string]any{"message": c.PostForm("message")}, errs: e.Fields}
		var flash *views.Flash
		if e.Code == apperr.Forbidden {
			flash = &views.Flash{Kind: views.FlashError, Text: e.Message}
		}
		s.showAgentDemand(c, d, st, statusOf(e.Code), flash)
	default:
		s.fail(c, err)
	}
}
