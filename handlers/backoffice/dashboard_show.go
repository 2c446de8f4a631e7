package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/perm"
)

// dashboardShow is the accueil's queue; an agent whose profile does not
// see demands (an admin) goes to the first page of their menu.
func (s *Handlers) dashboardShow(c *gin.Context) {
	a := currentAgent(c)
	if a.Has(perm.See) {
		s.showList(c, queueScope)
		return
	}
	if nav := web.AgentNav(a); len(nav) > 0 {
		web.Redirect(c, nav[0].Href)
		return
	}
	s.RenderError(c, http.StatusForbidden, "Accès refusé", "Votre profil (« "+a.Profile.Name+" ») ne donne accès à aucune page du guichet : demandez à un administrateur de la commune de le compléter.")
}
