package handlers

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/auth"
	"guichet/models"
	"guichet/views"
)

// adminAgentActivate deactivates an agent (their sessions end at once) or
// activates them again. An admin cannot shut themselves out.
func (s *Server) adminAgentActivate(active bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := idParam(c, "aid")
		if id == currentAgent(c).ID && !active {
			s.renderError(c, http.StatusForbidden, "Action impossible", "Vous ne pouvez pas désactiver votre propre compte : demandez-le à un autre administrateur.")
			return
		}
		a, err := models.AgentByID(c, s.DB, commune(c).ID, id)
		if err == nil {
			err = models.SetAgentActive(c, s.DB, a.CommuneID, a.ID, active)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		msg := "Compte de " + a.Name + " désactivé : il ne peut plus se connecter."
		if active {
			msg = "Compte de " + a.Name + " réactivé."
		}
		s.setFlash(c, views.FlashSuccess, msg)
		redirect(c, "/gestion/admin/agents")
	}
}

// adminAgentInvite e-mails an agent a new link to choose a password.
func (s *Server) adminAgentInvite(c *gin.Context) {
	a, err := models.AgentByID(c, s.DB, commune(c).ID, idParam(c, "aid"))
	if err == nil && !a.Active {
		err = models.ErrNotFound
	}
	if err == nil {
		err = s.DB.RunInTx(c, nil, func(ctx context.Context, tx bun.Tx) error {
			return s.mailPasswordLink(ctx, tx, a, auth.InviteLinkTTL, true)
		})
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, views.FlashSuccess, "Un lien pour choisir son mot de passe a été envoyé à "+a.Email+".")
	redirect(c, "/gestion/admin/agents")
}
