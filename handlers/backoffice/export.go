package backoffice

import (
	"fmt"
	"math"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/forms"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/workflow"
)

// An export is the supervisor's filtered list, in its order, with the
// columns a spreadsheet user needs; filtered on one procedure, it carries
// the answers to that procedure's form too.

// exportPlan is what an export needs: the filter, order and columns.
type exportPlan struct {
	filter    models.DemandFilter
	order     models.Order
	procedure *models.Procedure // the one procedure filtered on, if any
	headers   []string
	name      string // file name without extension
}

var exportHeaders = []string{"Référence", "Démarche", "Statut", "Usager", "Courriel", "Reçue le",
	"Dernière modification", "Décidée le", "Délai de décision (jours)", "Service", "Créée le"}

// planExport reads the list's filters; ok is false when the page has
// answered instead (a filter it cannot read).
func (s *Handlers) planExport(c *gin.Context) (*exportPlan, bool) {
	ctx := c.Request.Context()
	q := readListQuery(c, allScope)
	f, errs := q.filter(workflow.AgentActor(currentAgent(c)))
	if len(errs) > 0 {
		s.showList(c, allScope)
		return nil, false
	}
	com := web.Commune(c)
	plan := &exportPlan{filter: f, order: models.Order{Column: q.Sort, Desc: q.Desc, States: workflow.AllStates},
		headers: append([]string{}, exportHeaders...),
		name:    fmt.Sprintf("demandes-%s-%s", com.Slug, s.Clock.Now().In(web.Paris).Format("2006-01-02"))}
	if f.ProcedureID != 0 {
		p, err := models.ProcedureByID(ctx, s.DB, com.ID, f.ProcedureID)
		if err != nil {
			s.Fail(c, err)
			return nil, false
		}
		plan.procedure = p
		for _, fl := range p.Form {
			if fl.Type != "file" {
				plan.headers = append(plan.headers, fl.Label)
			}
		}
	}
	return plan, true
}

// row is one demand's cells: text, times (Europe/Paris) or numbers; nil is empty.
func (p *exportPlan) row(r *models.DemandRow) []any {
	var delay any
	if r.SubmittedAt != nil && r.DecidedAt != nil {
		delay = math.Round(r.DecidedAt.Sub(*r.SubmittedAt).Hours()/24*10) / 10 // one decimal
	}
	cells := []any{r.Reference, r.ProcedureTitle, workflow.StateLabel(r.State), r.CitizenName, r.CitizenEmail,
		parisTime(r.SubmittedAt), parisTime(&r.UpdatedAt), parisTime(r.DecidedAt), delay, r.ServiceName, parisTime(&r.CreatedAt)}
	if p.procedure != nil {
		for _, fl := range p.procedure.Form {
			if fl.Type != "file" {
				cells = append(cells, forms.Display(fl, r.Data[fl.Name]))
			}
		}
	}
	return cells
}

// parisTime is a time in Europe/Paris, or nil.
func parisTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.In(web.Paris)
}

// attachmentHeaders start a file download.
func attachmentHeaders(c *gin.Context, contentType, filename string) {
	h := c.Writer.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "private, no-store")
}
