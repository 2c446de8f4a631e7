package citizen

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/streets"
)

// streetSuggest answers an address field typing: the commune's streets
// that match q, as JSON [{value, label}] (suggest.js). Too long a text gets
// a 422 with the French reason, as {"erreur": …}.
func (s *Handlers) streetSuggest(c *gin.Context) {
	ss, err := streets.Suggest(c.Request.Context(), s.DB, web.Commune(c).ID, c.Query("q"))
	if e := apperr.As(err); err != nil && e.Code == apperr.Invalid {
		c.JSON(http.StatusUnprocessableEntity, gin.H{"erreur": e.Message})
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	// The same for everyone: a browser may keep it while the citizen types on.
	c.Header("Cache-Control", "public, max-age=300")
	c.JSON(http.StatusOK, ss)
}
