package backoffice

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/perm"
	"guichet/retention"
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
	RetentionField       string // its retention's input
}

func (s *Handlers) showAdminProcedures(c *gin.Context, status int, errs views.FormErrors) {
	s.showAdminProceduresTyped(c, status, errs, nil)
}

// showAdminProceduresTyped is the list with the retention form holding
// what the admin typed (nil: the values saved).
func (s *Handlers) showAdminProceduresTyped(c *gin.Context, status int, errs views.FormErrors, typed map[string]any) {
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
	form := map[string]any{conversationRetentionField: strconv.Itoa(cm.ConversationRetentionMonths)}
	for i := range ps {
		p := &ps[i]
		rows[i] = adminProcedureRow{ID: p.ID, Title: p.Title, Slug: p.Slug, Version: web.VersionText(p), Active: p.Active, Demands: counts[p.ID],
			RetentionField: retentionField(p.ID)}
		form[rows[i].RetentionField] = strconv.Itoa(p.RetentionMonths)
	}
	if typed != nil {
		form = typed
	}
	pg := s.Page(c, "Démarches")
	pg.Errors = errs
	pg.Form = form
	pg.Data = struct {
		Procedures                 []adminProcedureRow
		MaxImport                  string
		ConversationRetentionField string
		MinMonths, MaxMonths       int
		MaySupervise               bool
	}{rows, web.LimitSize(maxImportSize), conversationRetentionField, retention.MinMonths, retention.MaxMonths, currentAgent(c).Has(perm.Supervise)}
	s.Render(c, status, "admin/procedures", pg)
}
