package backoffice

import (
	"errors"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// adminProcedurePublish publishes (active) or unpublishes a procedure, if
// nobody changed it since the admin's page was shown.
func (s *Handlers) adminProcedurePublish(active bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := s.adminProcedure(c)
		if !ok {
			return
		}
		revision, _ := strconv.Atoi(c.PostForm("_revision"))
		err := models.PublishProcedure(c.Request.Context(), s.DB, p.CommuneID, p.ID, revision, active)
		switch {
		case errors.Is(err, models.ErrStale):
			s.SetFlash(c, views.FlashError, "La démarche a été modifiée entre-temps par quelqu'un d'autre : rien n'a été changé. Vérifiez-la ci-dessous, puis recommencez.")
		case err != nil:
			s.Fail(c, err)
			return
		case active:
			s.SetFlash(c, views.FlashSuccess, "Démarche « "+p.Title+" » publiée : elle est proposée sur le portail de la commune.")
		default:
			s.SetFlash(c, views.FlashSuccess, "Démarche « "+p.Title+" » retirée du portail. Les demandes en cours suivent leur cours.")
		}
		web.Redirect(c, procedurePath(p.ID))
	}
}
