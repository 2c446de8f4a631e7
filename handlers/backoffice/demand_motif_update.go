package backoffice

import (
	"errors"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/views"
	"guichet/workflow"
)

// demandMotifUpdate changes the demand's motif (workflow.Reclassify: an
// agent with "Décider"), recorded in its history as a reclassification.
func (s *Handlers) demandMotifUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	raw := c.PostForm("motif")
	id, perr := strconv.ParseInt(raw, 10, 64)
	var err error = apperr.Field("motif", "Choisissez le nouveau motif dans la liste.")
	if perr == nil && id > 0 {
		err = s.Engine.Reclassify(ctx, d.ID, workflow.AgentActor(currentAgent(c)), id)
	}
	var e *apperr.Error
	switch {
	case err == nil:
		s.SetFlash(c, views.FlashSuccess, "Motif changé. Le changement est inscrit dans l'historique.")
		web.Redirect(c, demandBackURL(d.ID, backURL(c)))
	case errors.As(err, &e) && (e.Code == apperr.Invalid || e.Code == apperr.Forbidden):
		st := demandState{action: "motif", values: map[string]any{"motif": raw}, errs: e.Fields}
		var flash *views.Flash
		if e.Code == apperr.Forbidden {
			flash = &views.Flash{Kind: views.FlashError, Text: e.Message}
		}
		s.showAgentDemand(c, d, st, web.StatusOf(e.Code), flash)
	default:
		s.Fail(c, err)
	}
}
