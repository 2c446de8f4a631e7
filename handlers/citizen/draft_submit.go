package citizen

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/forms"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// draftSubmit checks the whole form and submits the demand. Errors keep
// everything (the draft is saved as typed); a second submission of the same
// draft (double click, back button) shows the first one's confirmation.
func (s *Handlers) draftSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	d, p, base := followed(c)
	if d.State != workflow.Draft {
		web.Redirect(c, base+"/confirmation")
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
	if len(errs) > 0 {
		if err := models.SaveDraft(ctx, s.DB, d.CommuneID, d.ID, data); err != nil {
			s.Fail(c, err)
			return
		}
		s.showDemand(c, http.StatusUnprocessableEntity, formState{values: data, errs: errs, fileStatus: attachedStatus(post)},
			&views.Flash{Kind: views.FlashError, Text: "La demande n'a pas été déposée : corrigez les réponses signalées. Tout ce que vous avez saisi est enregistré."})
		return
	}
	version, _ := strconv.Atoi(post.values.Get("_version"))
	_, err = s.Engine.Apply(ctx, d.ID, workflow.Submit, workflow.CitizenActor(d.CommuneID, d.ID, d.CitizenEmail),
		workflow.Input{Version: version, Data: withFiles(p, data, atts)})
	if err != nil {
		if now, ferr := models.DemandByID(ctx, s.DB, d.CommuneID, d.ID); ferr == nil && now.State != workflow.Draft {
			web.Redirect(c, base+"/confirmation") // submitted by the first click
			return
		}
		s.Fail(c, err)
		return
	}
	web.Redirect(c, base+"/confirmation")
}

// checkDemand reads the posted values and checks them all, required ones
// included; a file refused in this very post counts as an error.
func (s *Handlers) checkDemand(c *gin.Context, d *models.Demand, p *models.Procedure, post *demandPost) (map[string]any, map[string]string, []models.Attachment, error) {
	ctx := c.Request.Context()
	data, errs := forms.Read(p.Form, post.values)
	if !post.hasForm {
		return nil, nil, nil, apperr.New(apperr.Invalid, "Le formulaire est incomplet : rechargez la page et recommencez.")
	}
	atts, err := models.CitizenAttachments(ctx, s.DB, d.CommuneID, d.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	for k, v := range forms.Missing(p.Form, data, attachedCounts(atts)) {
		if errs[k] == "" {
			errs[k] = v
		}
	}
	for k, v := range post.fileErrs {
		errs[k] = v
	}
	return data, errs, atts, nil
}
