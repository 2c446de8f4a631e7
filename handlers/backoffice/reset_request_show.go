package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// resetRequestShow asks for the address to send a reset link to.
func (s *Handlers) resetRequestShow(c *gin.Context) {
	s.Render(c, http.StatusOK, "agent/reset_request", s.Page(c, "Mot de passe oublié"))
}
