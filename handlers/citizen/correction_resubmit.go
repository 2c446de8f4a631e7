package citizen

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// correctionResubmit sends the corrected demand back to whoever asked; the
// engine records which fields changed.
func (s *Handlers) correctionResubmit(c *gin.Context) {
	ctx := c.Request.Context()
	d, p, base := followed(c)
	if d.State != workflow.CorrectionRequested {
		s.SetFlash(c, views.FlashInfo, "Cette demande n'attend pas de correction de votre part (elle a peut-être déjà été renvoyée) : voici où elle en est.")
		web.Redirect(c, base)
		return
	}
	post, err := s.readDemandPost(c, d, p)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data, errs, atts, err := s.checkDemand(c, d, p, post)
	if err != nil {
		s.Fail(c, err)
		return
	}
	st := formState{values: data, errs: errs, fileStatus: attachedStatus(post)}
	if len(errs) > 0 {
		s.showDemand(c, http.StatusUnprocessableEntity, st,
			&views.Flash{Kind: views.FlashError, Text: "La demande n'a pas été renvoyée : corrigez les réponses signalées."})
		return
	}
	version, _ := strconv.Atoi(post.values.Get("_version"))
	_, err = s.Engine.Apply(ctx, d.ID, workflow.Resubmit, workflow.CitizenActor(d.CommuneID, d.ID, d.CitizenEmail),
		workflow.Input{Version: version, Data: withFiles(p, data, atts)})
	if apperr.CodeOf(err) == apperr.Conflict || apperr.CodeOf(err) == apperr.Forbidden {
		now, ferr := models.DemandByID(ctx, s.DB, d.CommuneID, d.ID)
		if ferr != nil {
			s.Fail(c, ferr)
			return
		}
		if now.State != workflow.CorrectionRequested {
			s.SetFlash(c, views.FlashInfo, "Votre demande corrigée a déjà été renvoyée : voici où elle en est.")
			web.Redirect(c, base)
			return
		}
		// The commune changed its request meanwhile: show it, with what was typed.
		c.Set(keyDemand, now)
		s.showDemand(c, http.StatusConflict, st, &views.Flash{Kind: views.FlashError, Text: apperr.StaleMessage})
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Votre demande corrigée a été renvoyée à la mairie. Vous serez prévenu par e-mail de la suite.")
	web.Redirect(c, base)
}
