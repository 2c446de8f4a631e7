package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/notify"
	"guichet/views"
)

// adminAgentsData is the Data of "admin/agents".
type adminAgentsData struct {
	Agents []models.Agent
	Roles  []views.Option
	Self   int64
	// Silent are the agents who turned every notification off.
	Silent map[int64]bool
}

var roleOptions = []views.Option{
	{Value: models.RoleAccueil, Label: "Agent d'accueil"},
	{Value: models.RoleSupervisor, Label: "Superviseur"},
	{Value: models.RoleAdmin, Label: "Administrateur"},
}

// adminAgentsShow lists the commune's agents, with the form to add one.
func (s *Handlers) adminAgentsShow(c *gin.Context) {
	s.showAdminAgents(c, http.StatusOK, nil, nil)
}

func (s *Handlers) showAdminAgents(c *gin.Context, status int, form map[string]any, errs views.FormErrors) {
	ctx := c.Request.Context()
	as, err := models.ListAgents(ctx, s.DB, web.Commune(c).ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	silent, err := notify.SilentAgents(ctx, s.DB, web.Commune(c).ID, as)
	if err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, "Agents")
	p.Form, p.Errors = form, errs
	p.Data = adminAgentsData{Agents: as, Roles: roleOptions, Self: currentAgent(c).ID, Silent: silent}
	s.Render(c, status, "admin/agents", p)
}

// RoleLabel is a role's French name, for the page.
func (adminAgentsData) RoleLabel(role string) string { return roleLabel(role) }
