package citizen

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
)

// loadCommune finds the commune of the /c/:commune/ prefix; a deactivated
// one's pages all say it is no longer in service.
func (s *Handlers) loadCommune(c *gin.Context) {
	ctx := c.Request.Context()
	cm, err := models.CommuneBySlug(ctx, s.DB, c.Param("commune"))
	if errors.Is(err, models.ErrNotFound) {
		s.RenderError(c, http.StatusNotFound, "Commune introuvable", "Aucune commune n'est servie à cette adresse. Vérifiez l'adresse, ou revenez à l'accueil.")
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	if !cm.Active {
		s.CommuneClosed(c, cm)
		return
	}
	c.Set(web.KeyCommune, cm)
}
