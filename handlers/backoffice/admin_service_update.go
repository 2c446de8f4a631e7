package backoffice

import (
	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// adminServiceActivate deactivates a service (no new demand goes to it; the
// demands it holds stay with it) or activates it again.
func (s *Handlers) adminServiceActivate(active bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		sv, err := models.ServiceByID(ctx, s.DB, web.Commune(c).ID, web.IDParam(c, "sid"))
		if err == nil {
			err = models.SetServiceActive(ctx, s.DB, sv.CommuneID, sv.ID, active)
		}
		if err != nil {
			s.Fail(c, err)
			return
		}
		msg := "Service « " + sv.Name + " » désactivé : il ne reçoit plus de nouvelles demandes ; celles qu'il détient restent entre ses mains."
		if active {
			msg = "Service « " + sv.Name + " » réactivé."
		}
		s.SetFlash(c, views.FlashSuccess, msg)
		web.Redirect(c, "/gestion/admin/services")
	}
}
