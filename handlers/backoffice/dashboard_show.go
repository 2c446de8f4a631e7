package backoffice

import (
	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
)

// dashboardShow is the accueil's queue; an admin, who handles no demand,
// goes to the administration.
func (s *Handlers) dashboardShow(c *gin.Context) {
	if currentAgent(c).Role == models.RoleAdmin {
		web.Redirect(c, "/gestion/admin/agents")
		return
	}
	s.showList(c, queueScope)
}
