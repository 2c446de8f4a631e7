package handlers

import (
	"github.com/gin-gonic/gin"

	"guichet/auth"
	"guichet/models"
	"guichet/views"
)

// logoutCreate ends the session (with partout, every session of the agent)
// and forgets the cookie.
func (s *Server) logoutCreate(c *gin.Context) {
	token, _ := c.Cookie(sessionCookie)
	if c.PostForm("partout") != "" {
		if _, a, err := auth.CurrentSession(c, s.DB, token, s.Clock.Now()); err == nil {
			if err := models.RevokeAgentSessions(c, s.DB, a.CommuneID, a.ID); err != nil {
				s.fail(c, err)
				return
			}
		}
	}
	if token != "" {
		if err := auth.EndSession(c, s.DB, token); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.clearSessionCookie(c)
	s.setFlash(c, views.FlashSuccess, "Vous êtes déconnecté.")
	redirect(c, "/gestion/connexion")
}
