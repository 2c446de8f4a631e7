package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// resetRequestShow asks for the address to send a reset link to.
func (s *Server) resetRequestShow(c *gin.Context) {
	s.render(c, http.StatusOK, "agent/reset_request", s.page(c, "Mot de passe oublié"))
}
