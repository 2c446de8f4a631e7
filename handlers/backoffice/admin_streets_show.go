package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/streets"
	"guichet/views"
)

// adminStreetsShow shows the commune's street names (how many, a sample)
// and the form that imports them from the Base Adresse Nationale.
func (s *Handlers) adminStreetsShow(c *gin.Context) {
	s.showAdminStreets(c, http.StatusOK, nil)
}

// adminStreetsData is the Data of "admin/streets".
type adminStreetsData struct {
	streets.Summary
	MaxSize string // "200 Mo"
}

func (s *Handlers) showAdminStreets(c *gin.Context, status int, errs views.FormErrors) {
	sum, err := streets.Summarize(c.Request.Context(), s.DB, web.Commune(c).ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, "Noms de voies")
	p.Errors = errs
	p.Data = adminStreetsData{Summary: sum, MaxSize: web.LimitSize(streets.MaxFileSize)}
	s.Render(c, status, "admin/streets", p)
}
