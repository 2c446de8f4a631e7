package backoffice

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/auth"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// adminAgentActivate deactivates an agent (their sessions end at once) or
// activates them again. An admin cannot shut themselves out.
func (s *Handlers) adminAgentActivate(active bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		id := web.IDParam(c, "aid")
		if id == currentAgent(c).ID && !active {
			s.RenderError(c, http.StatusForbidden, "Action impossible", "Vous ne pouvez pas désactiver votre propre compte : demandez-le à un autre administrateur.")
			return
		}
		a, err := models.AgentByID(ctx, s.DB, web.Commune(c).ID, id)
		if err == nil {
			err = models.SetAgentActive(ctx, s.DB, a.CommuneID, a.ID, active)
		}
		if err != nil {
			s.Fail(c, err)
			return
		}
		msg := "Compte de " + a.Name + " désactivé : il ne peut plus se connecter."
		if active {
			msg = "Compte de " + a.Name + " réactivé."
		}
		s.SetFlash(c, views.FlashSuccess, msg)
		web.Redirect(c, "/gestion/admin/agents")
	}
}

// adminAgentInvite e-mails an agent a new link to choose a password.
func (s *Handlers) adminAgentInvite(c *gin.Context) {
	ctx := c.Request.Context()
	a, err := models.AgentByID(ctx, s.DB, web.Commune(c).ID, web.IDParam(c, "aid"))
	if err == nil && !a.Active {
		err = models.ErrNotFound
	}
	if err == nil {
		err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			return s.mailPasswordLink(ctx, tx, a, auth.InviteLinkTTL, true)
		})
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Un lien pour choisir son mot de passe a été envoyé à "+a.Email+".")
	web.Redirect(c, "/gestion/admin/agents")
}

// lockoutMessage refuses a change that would take the administer
// permission from the admin making it.
const lockoutMessage = "Vous ne pouvez pas vous retirer la permission « Administrer » : plus personne ne pourrait peut-être administrer la commune. Demandez ce changement à un autre administrateur."

// adminAgentProfileUpdate gives an agent another of the commune's profiles.
func (s *Handlers) adminAgentProfileUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	com := web.Commune(c)
	a, err := models.AgentByID(ctx, s.DB, com.ID, web.IDParam(c, "aid"))
	if err != nil {
		s.Fail(c, err)
		return
	}
	p, err := s.formProfile(c, c.PostForm("profil"))
	if err == nil && p == nil {
		s.RenderError(c, http.StatusUnprocessableEntity, "Profil inconnu", "Choisissez le profil de "+a.Name+" dans la liste.")
		return
	}
	if err == nil {
		err = models.SetAgentProfile(ctx, s.DB, com.ID, a.ID, p.ID, currentAgent(c).ID)
	}
	if errors.Is(err, models.ErrLockout) {
		s.RenderError(c, http.StatusForbidden, "Action impossible", lockoutMessage)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, a.Name+" a désormais le profil « "+p.Name+" ».")
	web.Redirect(c, "/gestion/admin/agents")
}
