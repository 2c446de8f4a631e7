package citizen

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// communeHome is the commune's portal: its procedures, a search over them,
// and the form to follow a demand.
func (s *Handlers) communeHome(c *gin.Context) {
	s.showHome(c, http.StatusOK, nil, nil)
}

func (s *Handlers) showHome(c *gin.Context, status int, form map[string]any, errs views.FormErrors) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	q := c.Query("q")
	ps, err := models.SearchProcedures(ctx, s.DB, cm.ID, q)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := views.CitizenHome{Query: q}
	for _, p := range ps {
		data.Procedures = append(data.Procedures, views.ProcedureCard{Slug: p.Slug, Title: p.Title, Description: p.Description})
	}
	p := s.Page(c, "Démarches en ligne")
	p.Data, p.Form, p.Errors = data, form, errs
	s.Render(c, status, "citizen/home", p)
}
