package citizen

import (
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/drafts"
	"guichet/handlers/web"
	"guichet/views"
)

// draftStart starts a draft from the citizen's e-mail address and name
// (drafts.Start: its checks, its limits, the mail of the link to resume it).
func (s *Handlers) draftStart(c *gin.Context) {
	ctx := c.Request.Context()
	p, ok := s.activeProcedure(c)
	if !ok {
		return
	}
	in := drafts.StartInput{Email: strings.TrimSpace(c.PostForm("email")), Name: strings.TrimSpace(c.PostForm("nom")), Client: c.ClientIP(),
		PerAddress: s.Config.DraftsPerAddress, PerClient: s.Config.DraftsPerClient}
	_, link, err := drafts.Start(ctx, s.DB, s.Notifier, web.Commune(c), p, in)
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		s.showProcedure(c, web.StatusOf(e.Code), p, map[string]any{"email": in.Email, "nom": in.Name}, views.FormErrors(e.Fields))
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	u, err := url.Parse(link)
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Votre brouillon est créé. Nous venons d'envoyer à "+in.Email+" un lien pour le reprendre à tout moment.")
	web.Redirect(c, u.Path)
}
