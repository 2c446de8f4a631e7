package handlers

import (
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/auth"
	"guichet/models"
	"guichet/views"
)

// agentRoutes: the back office of accueil agents, supervisors and admins.
// Every page but sign-in and password reset requires a session and a role.
func (s *Server) agentRoutes(r *gin.Engine) {
	s.authn = &auth.Authenticator{DB: s.DB, Params: s.Config.PasswordParams(), Clock: s.Clock}
	g := r.Group("/gestion")
	g.GET("/connexion", s.loginShow)
	g.POST("/connexion", s.loginCreate)
	g.POST("/deconnexion", s.logoutCreate)
	g.GET("/mot-de-passe-oublie", s.resetRequestShow)
	g.POST("/mot-de-passe-oublie", s.resetRequestCreate)
	g.GET("/reinitialisation/:token", s.resetShow)
	g.POST("/reinitialisation/:token", s.resetUpdate)

	g.GET("/", s.requireAgent(allRoles), s.dashboardShow)

	desk := g.Group("/demandes/:id", s.requireAgent(deskRoles))
	desk.GET("", s.demandShow)
	desk.GET("/impression", s.demandPrint)
	desk.GET("/pieces/:fid", s.agentFileDownload)
	desk.POST("/pieces", s.agentFileUpload)
	desk.POST("/actions/:action", s.demandAct)
	desk.POST("/notes", s.noteCreate)

	sup := g.Group("/supervision", s.requireAgent(supervisorRoles))
	sup.GET("", s.supervisionShow)
	sup.GET("/indicateurs", s.indicatorsShow)
	sup.GET("/export.csv", s.exportCSV)
	sup.GET("/export.xlsx", s.exportXLSX)

	adm := g.Group("/admin", s.requireAgent(adminRoles))
	adm.GET("/agents", s.adminAgentsShow)
	adm.POST("/agents", s.adminAgentCreate)
	adm.POST("/agents/:aid/desactiver", s.adminAgentActivate(false))
	adm.POST("/agents/:aid/reactiver", s.adminAgentActivate(true))
	adm.POST("/agents/:aid/invitation", s.adminAgentInvite)
	adm.GET("/services", s.adminServicesShow)
	adm.POST("/services", s.adminServiceCreate)
	adm.POST("/services/:sid/desactiver", s.adminServiceActivate(false))
	adm.POST("/services/:sid/reactiver", s.adminServiceActivate(true))
	adm.POST("/services/:sid/"+slugBoardLink, s.adminServiceBoardLinkSend)
	adm.POST("/services/:sid/"+slugRevokeLinks, s.adminServiceLinksRevoke)
}

// agentNav is the back-office menu for an agent.
func agentNav(c *gin.Context, a *models.Agent) []views.NavItem {
	var items []views.NavItem
	switch a.Role {
	case models.RoleAccueil:
		items = []views.NavItem{{Label: "À traiter", Href: "/gestion/"}}
	case models.RoleSupervisor:
		items = []views.NavItem{
			{Label: "À traiter", Href: "/gestion/"},
			{Label: "Toutes les demandes", Href: "/gestion/supervision"},
			{Label: "Indicateurs", Href: "/gestion/supervision/indicateurs"},
		}
	case models.RoleAdmin:
		items = []views.NavItem{
			{Label: "Agents", Href: "/gestion/admin/agents"},
			{Label: "Services", Href: "/gestion/admin/services"},
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
