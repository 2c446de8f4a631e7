package backoffice

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/calendar"
	"guichet/deadline"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

const deadlinesPath = "/gestion/admin/echeances"

// adminDeadlinesData is the Data of "admin/deadlines" (the list and a new
// policy's form) and "admin/deadline" (one policy's form and history).
type adminDeadlinesData struct {
	Policies []policyRow
	Applies  []views.Option // a motif, a procedure; "": the rules only
	Units    []views.Option
	Policy   *models.DeadlinePolicy // the one edited
	Version  int                    // the version the form saves over
	History  []historyRow
}

type policyRow struct {
	ID            int64
	Name, Summary string
}

type historyRow struct {
	At          string
	Author, Say string
}

// adminDeadlinesShow lists the commune's deadline policies, with the form
// to add one.
func (s *Handlers) adminDeadlinesShow(c *gin.Context) {
	s.showDeadlines(c, http.StatusOK, nil, deadline.PolicyInput{FirstAnswerUnit: string(calendar.WorkingHours), ResolutionUnit: string(calendar.WorkingDays)}, nil, nil)
}

// adminDeadlineEdit shows one policy's form and its changes.
func (s *Handlers) adminDeadlineEdit(c *gin.Context) {
	p, err := models.DeadlinePolicyByID(c.Request.Context(), s.DB, web.Commune(c).ID, web.IDParam(c, "did"))
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.showDeadlines(c, http.StatusOK, p, deadline.InputOf(p), nil, nil)
}

// showDeadlines renders the list (p nil) or p's page, with the input as
// typed and its errors.
func (s *Handlers) showDeadlines(c *gin.Context, status int, p *models.DeadlinePolicy, in deadline.PolicyInput, errs views.FormErrors, flash *views.Flash) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	tree, err := models.Motifs(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	procs, err := models.AllProcedures(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	titles := map[int64]string{}
	data := adminDeadlinesData{Units: unitOptions, Policy: p, Version: in.Version}
	for _, n := range tree {
		if !n.Inactive {
			data.Applies = append(data.Applies, views.Option{Value: "motif:" + strconv.FormatInt(n.ID, 10), Label: "Motif : " + n.Path})
		}
	}
	for _, pr := range procs {
		titles[pr.ID] = pr.Title
		data.Applies = append(data.Applies, views.Option{Value: "demarche:" + strconv.FormatInt(pr.ID, 10), Label: "Démarche : " + pr.Title})
	}
	title := "Échéances"
	if p == nil {
		ps, err := models.DeadlinePolicies(ctx, s.DB, cm.ID)
		if err != nil {
			s.Fail(c, err)
			return
		}
		for i := range ps {
			data.Policies = append(data.Policies, policyRow{ID: ps[i].ID, Name: ps[i].Name,
				Summary: deadline.Summary(&ps[i], tree, func(id int64) string { return titles[id] })})
		}
	} else {
		title = "Politique d'échéance « " + p.Name + " »"
		evs, err := deadline.History(ctx, s.DB, cm.ID, p.ID)
		if err != nil {
			s.Fail(c, err)
			return
		}
		for _, ev := range evs {
			text, _ := ev.Details["text"].(string)
			data.History = append(data.History, historyRow{At: ev.At.In(calendar.Paris).Format("02/01/2006 15:04"), Author: ev.ActorName, Say: text})
		}
	}
	pg := s.Page(c, title)
	pg.Form, pg.Errors, pg.Data = in.Form(), errs, data
	if flash != nil {
		pg.Flash = flash
	}
	page := "admin/deadlines"
	if p != nil {
		page = "admin/deadline"
	}
	s.Render(c, status, page, pg)
}
