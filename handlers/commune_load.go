package handlers

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/models"
)

// loadCommune finds the commune of the /c/:commune/ prefix.
func (s *Server) loadCommune(c *gin.Context) {
	cm, err := models.CommuneBySlug(c, s.DB, c.Param("commune"))
	if errors.Is(err, models.ErrNotFound) {
		s.renderError(c, http.StatusNotFound, "Commune introuvable", "Aucune commune n'est servie à cette adresse. Vérifiez l'adresse, ou revenez à l'accueil.")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(keyCommune, cm)
}
