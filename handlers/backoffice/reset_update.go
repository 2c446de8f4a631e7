package backoffice

import (
	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/auth"
	"guichet/handlers/web"
	"guichet/views"
)

// resetUpdate sets the new password through a reset link, which is then
// used up; every session of the agent ends, and they sign in anew.
func (s *Handlers) resetUpdate(c *gin.Context) {
	token := c.Param("token")
	a, err := auth.CompleteReset(c.Request.Context(), s.DB, s.Links, token, c.PostForm("password"), c.PostForm("confirm"), s.Config.PasswordParams())
	if e := apperr.As(err); err != nil && e.Code == apperr.Invalid {
		p := s.Page(c, "Choisir un nouveau mot de passe")
		p.Errors = views.FormErrors(e.Fields)
		if a != nil {
			p.Data = resetData{Token: token, Email: a.Email}
		}
		s.Render(c, web.StatusOf(e.Code), "agent/reset", p)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Votre mot de passe est enregistré. Connectez-vous avec lui.")
	web.Redirect(c, "/gestion/connexion")
}
