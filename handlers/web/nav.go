package web

import (
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/models"
	"guichet/perm"
	"guichet/views"
)

// navItems are the back office's menu: each item shows for the agents
// whose profile grants its permission (the permission its pages require).
var navItems = []struct {
	Need, Or perm.Permission
	views.NavItem
}{
	{perm.See, "", views.NavItem{Label: "À traiter", Href: "/gestion/"}},
	{perm.Reply, perm.ReplyValidated, views.NavItem{Label: "Messages", Href: "/gestion/messages"}},
	{perm.Supervise, "", views.NavItem{Label: "Toutes les demandes", Href: "/gestion/supervision"}},
	{perm.Supervise, "", views.NavItem{Label: "Indicateurs", Href: "/gestion/supervision/indicateurs"}},
	{perm.Supervise, "", views.NavItem{Label: "Courriels à traiter", Href: "/gestion/supervision/courriels"}},
	{perm.See, "", views.NavItem{Label: "Satisfaction", Href: "/gestion/satisfaction"}},
	{perm.Supervise, "", views.NavItem{Label: "Avis des usagers", Href: "/gestion/supervision/avis"}},
	{perm.Administer, "", views.NavItem{Label: "Commune", Href: "/gestion/admin/commune"}},
	{perm.Administer, "", views.NavItem{Label: "Agents", Href: "/gestion/admin/agents"}},
	{perm.Administer, "", views.NavItem{Label: "Profils", Href: "/gestion/admin/profils"}},
	{perm.Administer, "", views.NavItem{Label: "Services", Href: "/gestion/admin/services"}},
	{perm.Administer, "", views.NavItem{Label: "Étiquettes", Href: "/gestion/admin/etiquettes"}},
	{perm.Administer, "", views.NavItem{Label: "Démarches", Href: "/gestion/admin/demarches"}},
	{perm.Administer, "", views.NavItem{Label: "Motifs", Href: "/gestion/admin/motifs"}},
	{perm.Administer, "", views.NavItem{Label: "Règles", Href: "/gestion/admin/regles"}},
	{perm.Administer, "", views.NavItem{Label: "Calendrier", Href: "/gestion/admin/calendrier"}},
	{perm.Administer, "", views.NavItem{Label: "Voies", Href: "/gestion/admin/voies"}},
	{perm.Administer, "", views.NavItem{Label: "Informations légales", Href: "/gestion/admin/obligations"}},
	{perm.Reply, perm.ReplyValidated, views.NavItem{Label: "Articles", Href: "/gestion/articles"}},
	{perm.Supervise, "", views.NavItem{Label: "Droits des usagers", Href: "/gestion/supervision/donnees-personnelles"}},
	{perm.Supervise, "", views.NavItem{Label: "Conservation", Href: "/gestion/supervision/conservation"}},
	{perm.Administer, "", views.NavItem{Label: "Échéances", Href: "/gestion/admin/echeances"}},
}

// AgentNav is the back-office menu of an agent: what their permissions open.
func AgentNav(a *models.Agent) []views.NavItem {
	var items []views.NavItem
	for _, it := range navItems {
		if a.Has(it.Need) || (it.Or != "" && a.Has(it.Or)) {
			items = append(items, it.NavItem)
		}
	}
	return items
}

// agentNav is AgentNav with the current page's item marked.
func agentNav(c *gin.Context, a *models.Agent) []views.NavItem {
	items := AgentNav(a)
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
