package citizen

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/models"
)

// communeLogoShow serves the commune's logo, as Guichet re-encoded it, to
// pages and mails (even a deactivated commune's page shows it). Its
// address is stable; ?v= names a version, cached for good.
func (s *Handlers) communeLogoShow(c *gin.Context) {
	ctx := c.Request.Context()
	cm, err := models.CommuneBySlug(ctx, s.DB, c.Param("commune"))
	var l *models.CommuneLogo
	if err == nil {
		l, err = models.LogoOf(ctx, s.DB, cm.ID)
	}
	if errors.Is(err, models.ErrNotFound) {
		s.RenderError(c, http.StatusNotFound, "Logo introuvable", "Cette commune n'a pas de logo.")
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	h := c.Writer.Header()
	etag := `"` + l.SHA256 + `"`
	h.Set("ETag", etag)
	if c.Query("v") == l.SHA256[:12] {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=3600")
	}
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "image/png", l.PNG)
}
