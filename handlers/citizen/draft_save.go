package citizen

import (
	"maps"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/forms"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// draftSave keeps what the citizen typed and chose. Values are checked for
// their form only (a draft may be incomplete); a badly typed value is kept as
// typed and pointed out.
func (s *Handlers) draftSave(c *gin.Context) {
	ctx := c.Request.Context()
	d, p, base := followed(c)
	if d.State != workflow.Draft {
		s.notEditable(c)
		return
	}
	post, err := s.readDemandPost(c, d, p)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data, errs := forms.Read(p.Form, post.values)
	if !post.hasForm {
		// Cut short by a refused file: saving would erase the answers after
		// it. What was read is shown over what is saved.
		shown := maps.Clone(d.Data)
		if shown == nil {
			shown = map[string]any{}
		}
		maps.Copy(shown, data)
		maps.Copy(errs, post.fileErrs)
		s.showDemand(c, http.StatusUnprocessableEntity, formState{values: shown, errs: errs, fileStatus: attachedStatus(post)},
			&views.Flash{Kind: views.FlashError, Text: "Le brouillon n'a pas été enregistré : l'envoi a été interrompu. Corrigez la réponse signalée, puis enregistrez à nouveau."})
		return
	}
	if err := models.SaveDraft(ctx, s.DB, d.CommuneID, d.ID, data); err != nil {
		s.Fail(c, err)
		return
	}
	for k, v := range post.fileErrs {
		errs[k] = v
	}
	if len(errs) > 0 {
		s.showDemand(c, http.StatusUnprocessableEntity, formState{values: data, errs: errs, fileStatus: attachedStatus(post)},
			&views.Flash{Kind: views.FlashInfo, Text: "Brouillon enregistré. Certaines réponses sont à revoir avant de déposer la demande."})
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Brouillon enregistré. Vous pourrez le reprendre à tout moment avec le lien reçu par e-mail.")
	web.Redirect(c, base)
}

// notEditable answers an edit of a demand that can no longer be changed
// (submitted meanwhile, from another tab or by a double click): its page.
func (s *Handlers) notEditable(c *gin.Context) {
	_, _, base := followed(c)
	s.SetFlash(c, views.FlashInfo, "Cette demande a déjà été déposée : elle ne peut plus être modifiée. Voici où elle en est.")
	web.Redirect(c, base)
}

// attachedStatus words what a post attached, by field.
func attachedStatus(post *demandPost) map[string]string {
	st := map[string]string{}
	for field, names := range post.added {
		st[field] = "Fichier joint : " + names + "."
	}
	return st
}
