package handlers

import (
	"github.com/gin-gonic/gin"

	"guichet/models"
	"guichet/views"
)

// agentRoutes: the back office of accueil agents, supervisors and admins.
func (s *Server) agentRoutes(r *gin.Engine) {}

// agentNav is the back-office menu for an agent.
func agentNav(c *gin.Context, a *models.Agent) []views.NavItem { return nil }
