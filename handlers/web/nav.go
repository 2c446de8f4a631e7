package web

import (
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/models"
	"guichet/views"
)

// agentNav is the back-office menu for an agent.
func agentNav(c *gin.Context, a *models.Agent) []views.NavItem {
	var items []views.NavItem
	switch a.Role {
	case models.RoleAccueil:
		items = []views.NavItem{{Label: "À traiter", Href: "/gestion/"}, {Label: "Messages", Href: "/gestion/messages"}}
	case models.RoleSupervisor:
		items = []views.NavItem{
			{Label: "À traiter", Href: "/gestion/"},
			{Label: "Messages", Href: "/gestion/messages"},
			{Label: "Toutes les demandes", Href: "/gestion/supervision"},
			{Label: "Indicateurs", Href: "/gestion/supervision/indicateurs"},
		}
	case models.RoleAdmin:
		items = []views.NavItem{
			{Label: "Agents", Href: "/gestion/admin/agents"},
			{Label: "Services", Href: "/gestion/admin/services"},
			{Label: "Étiquettes", Href: "/gestion/admin/etiquettes"},
		}
	}
	// The current item is the one whose address is the closest prefix of the page's.
	path, best := c.Request.URL.Path, -1
	for i, it := range items {
		if path == it.Href || (it.Href != "/gestion/" && strings.HasPrefix(path, it.Href+"/")) {
			if best < 0 || len(it.Href) > len(items[best].Href) {
				best = i
			}
		}
	}
	if best >= 0 {
		items[best].Current = true
	}
	return items
}
