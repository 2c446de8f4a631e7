package citizen

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/commune"
	"guichet/handlers/web"
)

// dutyPage shows one of the commune's published duties: the accessibility
// statement, the legal notices or the personal data page.
func (s *Handlers) dutyPage(title, page string) gin.HandlerFunc {
	return func(c *gin.Context) {
		cm := web.Commune(c)
		data := struct {
			commune.Published
			Retention []commune.RetentionLine
		}{Published: commune.PublishedOf(cm)}
		if page == "citizen/personal_data" {
			var err error
			if data.Retention, err = commune.Retention(c.Request.Context(), s.DB, cm.ID); err != nil {
				s.Fail(c, err)
				return
			}
		}
		p := s.Page(c, title)
		p.Data = data
		s.Render(c, http.StatusOK, page, p)
	}
}
