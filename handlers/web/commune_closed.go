package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/models"
	"guichet/views"
)

// CommuneClosed answers every citizen's and service's page of a commune
// the operator deactivated: 410 Gone, since nothing there works any more
// (no draft starts, nothing is submitted, no link acts) until it is
// reactivated; the page keeps the commune's contact card, in its footer.
func (s *Base) CommuneClosed(c *gin.Context, cm *models.Commune) {
	c.Set(KeyCommune, cm)
	p := s.Page(c, "Ce guichet n'est plus en service")
	p.Data = views.ErrorData{Title: "Ce guichet n'est plus en service",
		Message: "Ce guichet n'est plus en service : la mairie de " + cm.Name + " ne reçoit plus de demandes en ligne à cette adresse, et les liens envoyés par e-mail ne fonctionnent plus. Les demandes déjà déposées ne sont pas perdues. Pour toute démarche ou question, contactez la mairie : ses coordonnées sont ci-dessous.",
		BackURL: "/", BackLabel: "Voir les communes servies par ce guichet"}
	s.Render(c, http.StatusGone, "error", p)
}
