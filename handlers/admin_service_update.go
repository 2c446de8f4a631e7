package handlers

import (
	"github.com/gin-gonic/gin"

	"guichet/models"
	"guichet/views"
)

// adminServiceActivate deactivates a service (no new demand goes to it; the
// demands it holds stay with it) or activates it again.
func (s *Server) adminServiceActivate(active bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		sv, err := models.ServiceByID(c, s.DB, commune(c).ID, idParam(c, "sid"))
		if err == nil {
			err = models.SetServiceActive(c, s.DB, sv.CommuneID, sv.ID, active)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		msg := "Service « " + sv.Name + " » désactivé : il ne reçoit plus de nouvelles demandes ; celles qu'il détient restent entre ses mains."
		if active {
			msg = "Service « " + sv.Name + " » réactivé."
		}
		s.setFlash(c, views.FlashSuccess, msg)
		redirect(c, "/gestion/admin/services")
	}
}
