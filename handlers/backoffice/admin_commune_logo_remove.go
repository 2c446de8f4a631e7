package backoffice

import (
	"github.com/gin-gonic/gin"

	"guichet/commune"
	"guichet/handlers/web"
	"guichet/views"
)

// adminCommuneLogoRemove leaves the commune without a logo.
func (s *Handlers) adminCommuneLogoRemove(c *gin.Context) {
	if err := commune.RemoveLogo(c.Request.Context(), s.DB, web.Commune(c)); err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Logo retiré : le portail et les e-mails montrent le nom de la commune seul.")
	web.Redirect(c, "/gestion/admin/commune")
}
