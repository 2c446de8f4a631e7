package backoffice

import (
	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// adminServiceLinksRevoke revokes every link the service was sent (its
// board's and its demands'), as "guichet service revoke" does: after a
// person leaves the service, or when a link went where it should not.
func (s *Handlers) adminServiceLinksRevoke(c *gin.Context) {
	ctx := c.Request.Context()
	sv := s.confirmedService(c, slugRevokeLinks, "Cochez la case pour confirmer : révoquer les liens du service ne peut pas être annulé.")
	if sv == nil {
		return
	}
	if _, err := models.RevokeServiceLinks(ctx, s.DB, sv.CommuneID, sv.ID); err != nil {
		s.Fail(c, err)
		return
	}
	s.Log.Info("service links revoked", "commune", sv.CommuneID, "service", sv.ID, "agent", currentAgent(c).ID)
	s.SetFlash(c, views.FlashSuccess, "Tous les liens du service « "+sv.Name+" » sont révoqués : ceux déjà envoyés ne fonctionnent plus. "+
		"Le service recevra de nouveaux liens à la prochaine demande transmise ; depuis un ancien lien vers une demande qu'il détient encore, "+
		"il peut en demander un nouveau, envoyé à "+sv.Email+". Pour son tableau de bord, envoyez-lui un nouveau lien.")
	web.Redirect(c, "/gestion/admin/services")
}
