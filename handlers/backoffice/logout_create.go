package backoffice

import (
	"github.com/gin-gonic/gin"

	"guichet/auth"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// logoutCreate ends the session (with partout, every session of the agent)
// and forgets the cookie.
func (s *Handlers) logoutCreate(c *gin.Context) {
	ctx := c.Request.Context()
	token, _ := c.Cookie(sessionCookie)
	if c.PostForm("partout") != "" {
		if _, a, err := auth.CurrentSession(ctx, s.DB, token, s.Clock.Now()); err == nil {
			if err := models.RevokeAgentSessions(ctx, s.DB, a.CommuneID, a.ID); err != nil {
				s.Fail(c, err)
				return
			}
		}
	}
	if token != "" {
		if err := auth.EndSession(ctx, s.DB, token); err != nil {
			s.Fail(c, err)
			return
		}
	}
	s.clearSessionCookie(c)
	s.SetFlash(c, views.FlashSuccess, "Vous êtes déconnecté.")
	web.Redirect(c, "/gestion/connexion")
}
