package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/models"
	"guichet/views"
)

// adminAgentsData is the Data of "admin/agents".
type adminAgentsData struct {
	Agents []models.Agent
	Roles  []views.Option
	Self   int64
}

var roleOptions = []views.Option{
	{Value: models.RoleAccueil, Label: "Agent d'accueil"},
	{Value: models.RoleSupervisor, Label: "Superviseur"},
	{Value: models.RoleAdmin, Label: "Administrateur"},
}

// adminAgentsShow lists the commune's agents, with the form to add one.
func (s *Server) adminAgentsShow(c *gin.Context) {
	s.showAdminAgents(c, http.StatusOK, nil, nil)
}

func (s *Server) showAdminAgents(c *gin.Context, status int, form map[string]any, errs views.FormErrors) {
	as, err := models.ListAgents(c, s.DB, commune(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := s.page(c, "Agents")
	p.Form, p.Errors = form, errs
	p.Data = adminAgentsData{Agents: as, Roles: roleOptions, Self: currentAgent(c).ID}
	s.render(c, status, "admin/agents", p)
}

// RoleLabel is a role's French name, for the page.
func (adminAgentsData) RoleLabel(role string) string { return roleLabel(role) }
