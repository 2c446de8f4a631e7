package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/views"
)

// retryAfterSeconds is the Retry-After of an unavailable answer: PgBouncer
// started again after a crash answers within a second or two, and a
// longer outage takes the server out of HAProxy (/readyz) in about four.
const retryAfterSeconds = "5"

// unavailable answers a request the database could not serve because it
// could not be reached (models.Unreachable): a 503 that tells the person to
// send it again, counted and logged apart from real errors (500).
func (s *Base) unavailable(c *gin.Context, err error) {
	route := c.FullPath()
	s.Log.Warn("database unreachable", "route", route, "method", c.Request.Method, "err", err)
	s.Metrics.Unavailable(route)
	c.Header("Retry-After", retryAfterSeconds)
	data := views.ErrorData{Title: "Service momentanément indisponible"}
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		data.Message = "Le guichet ne peut pas afficher cette page pour le moment : il est momentanément indisponible. Réessayez dans quelques secondes."
		if uri := c.Request.URL.RequestURI(); strings.HasPrefix(uri, "/") && !strings.HasPrefix(uri, "//") {
			data.BackURL, data.BackLabel = uri, "Réessayer"
		}
	} else {
		data.Message = "Ce que vous venez d'envoyer n'a pas été enregistré : le guichet est momentanément indisponible. Réessayez dans quelques secondes : le bouton « Précédent » de votre navigateur vous ramène au formulaire avec ce que vous aviez saisi, que vous pourrez envoyer de nouveau."
	}
	p := s.Page(c, data.Title)
	p.Data = data
	s.Render(c, http.StatusServiceUnavailable, "error", p)
}
