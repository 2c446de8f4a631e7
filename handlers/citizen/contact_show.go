package citizen

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// contactShow shows "Contacter la mairie": a message to the commune for
// whoever has no demand, or is lost between administrations.
func (s *Handlers) contactShow(c *gin.Context) {
	s.showContact(c, http.StatusOK, nil, nil)
}

func (s *Handlers) showContact(c *gin.Context, status int, typed map[string]any, errs views.FormErrors) {
	cm := web.Commune(c)
	ps, err := models.ListProcedures(c.Request.Context(), s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := views.ContactPage{Composer: s.Composer("/c/" + cm.Slug + "/contact")}
	for _, p := range ps {
		data.Procedures = append(data.Procedures, views.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title})
	}
	pg := s.Page(c, "Contacter la mairie")
	pg.Form, pg.Errors, pg.Data = typed, errs, data
	s.Render(c, status, "citizen/contact", pg)
}
