package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// adminProceduresShow lists the commune's procedures, with the link to a new
// one and the form that imports a file.
func (s *Handlers) adminProceduresShow(c *gin.Context) {
	s.showAdminProcedures(c, http.StatusOK, nil)
}

// adminProcedureRow is one procedure of the admin's list.
type adminProcedureRow struct {
	ID                   int64
	Title, Slug, Version string
	Active               bool
	Demands              int
}

func (s *Handlers) showAdminProcedures(c *gin.Context, status int, errs views.FormErrors) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	ps, err := models.AllProcedures(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	counts, err := models.CountDemands(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	rows := make([]adminProcedureRow, len(ps))
	for i := range ps {
		p := &ps[i]
		rows[i] = adminProcedureRow{ID: p.ID, Title: p.Title, Slug: p.Slug, Version: web.VersionText(p), Active: p.Active, Demands: counts[p.ID]}
	}
	pg := s.Page(c, "Démarches")
	pg.Errors = errs
	pg.Data = struct {
		Procedures []adminProcedureRow
		MaxImport  string
	}{rows, web.LimitSize(maxImportSize)}
	s.Render(c, status, "admin/procedures", pg)
}
