package backoffice

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/deadline"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// adminDeadlineSave creates a policy (POST /echeances) or changes one
// (POST /echeances/:did). A refusal shows the form again with what was
// typed and a French message beside each field at fault; a save over
// another admin's is refused as such, the typed input kept and the form
// then saving over the current version.
func (s *Handlers) adminDeadlineSave(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	id := web.IDParam(c, "did")
	in := deadline.PolicyInput{Name: trimmed(c, "nom"), Applies: c.PostForm("cible"),
		FirstAnswer: trimmed(c, "premiere_reponse"), FirstAnswerUnit: c.PostForm("premiere_reponse_unite"),
		Resolution: trimmed(c, "resolution"), ResolutionUnit: c.PostForm("resolution_unite")}
	in.Version, _ = strconv.Atoi(c.PostForm("version"))
	var current *models.DeadlinePolicy
	if c.Param("did") != "" {
		var err error
		if current, err = models.DeadlinePolicyByID(ctx, s.DB, cm.ID, id); err != nil {
			s.Fail(c, err) // another commune's is not found
			return
		}
	}
	p, err := deadline.SavePolicy(ctx, s.DB, workflow.AgentActor(currentAgent(c)), id, in, s.Clock.Now())
	var e *apperr.Error
	switch {
	case err == nil:
		s.SetFlash(c, views.FlashSuccess, "Politique d'échéance « "+p.Name+" » enregistrée : les demandes et conversations reçues désormais la suivent.")
		web.Redirect(c, deadlinesPath)
	case errors.As(err, &e) && e.Code == apperr.Conflict:
		fresh, ferr := models.DeadlinePolicyByID(ctx, s.DB, cm.ID, id)
		if ferr != nil {
			s.Fail(c, ferr)
			return
		}
		in.Version = fresh.Version
		s.showDeadlines(c, http.StatusConflict, fresh, in, nil, &views.Flash{Kind: views.FlashError, Text: e.Message})
	case errors.As(err, &e) && e.Code == apperr.Invalid:
		s.showDeadlines(c, http.StatusUnprocessableEntity, current, in, e.Fields, nil)
	default:
		s.Fail(c, err)
	}
}
