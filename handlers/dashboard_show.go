package handlers

import (
	"github.com/gin-gonic/gin"

	"guichet/models"
)

// dashboardShow is the accueil's queue; an admin, who handles no demand,
// goes to the administration.
func (s *Server) dashboardShow(c *gin.Context) {
	if currentAgent(c).Role == models.RoleAdmin {
		redirect(c, "/gestion/admin/agents")
		return
	}
	s.showList(c, queueScope)
}
