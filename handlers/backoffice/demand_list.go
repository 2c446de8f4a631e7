package backoffice

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/calendar"
	"guichet/deadline"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/perm"
	"guichet/views"
	"guichet/workflow"
)

// The lists of demands: the accueil's queue (/gestion/) and the
// supervisor's every demand (/gestion/supervision) share their filters,
// sort, search and paging; the exports take the same filters.

// Status filter values besides a state's code.
const (
	statusQueue = "a_traiter" // what waits for the accueil
	statusAll   = "tous"
)

// queueStates wait for the accueil (a resubmission it asked for comes back as submitted).
var queueStates = workflow.Standard.In(workflow.SetGuichet)

// listScope is one of the two lists.
type listScope struct {
	Path          string
	Title         string
	DefaultStatus string
}

var (
	queueScope = listScope{Path: "/gestion/", Title: "Demandes à traiter", DefaultStatus: statusQueue}
	allScope   = listScope{Path: "/gestion/supervision", Title: "Toutes les demandes", DefaultStatus: statusAll}
)

// listQuery is a list's filters as read from the URL.
type listQuery struct {
	DefaultStatus                                 string
	Q, Status, Procedure, Service, From, To, Sort string
	Desc                                          bool
}

func readListQuery(c *gin.Context, scope listScope) listQuery {
	q := listQuery{
		DefaultStatus: scope.DefaultStatus,
		Q:             strings.TrimSpace(c.Query("q")), Status: c.Query("etat"),
		Procedure: c.Query("demarche"), Service: c.Query("service"), From: c.Query("du"), To: c.Query("au"),
		Sort: c.DefaultQuery("tri", models.SortReceived), Desc: c.Query("ordre") == "desc",
	}
	if q.Status == "" {
		q.Status = scope.DefaultStatus
	}
	if !models.ValidSort(q.Sort) {
		q.Sort = models.SortReceived
	}
	return q
}

// values is the query string of the list, without its page position.
func (q listQuery) values() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", q.Q)
	if q.Status != q.DefaultStatus {
		v.Set("etat", q.Status)
	}
	set("demarche", q.Procedure)
	set("service", q.Service)
	set("du", q.From)
	set("au", q.To)
	if q.Sort != models.SortReceived {
		v.Set("tri", q.Sort)
	}
	if q.Desc {
		v.Set("ordre", "desc")
	}
	return v
}

// filter turns the query into the models' filter, with a French message
// for each field it cannot read.
func (q listQuery) filter(act workflow.Actor) (models.DemandFilter, views.FormErrors) {
	f := models.DemandFilter{Visible: act.VisibleStates(), Procedures: act.Scope(), Text: q.Q}
	errs := views.FormErrors{}
	switch q.Status {
	case statusQueue:
		f.States = queueStates
	case statusAll, "":
	default:
		f.States = []string{q.Status}
	}
	f.ProcedureID, _ = strconv.ParseInt(q.Procedure, 10, 64)
	f.ServiceID, _ = strconv.ParseInt(q.Service, 10, 64)
	f.From, f.To = web.DayRange(q.From, q.To, errs)
	return f, errs
}

// listData is the data of a list page.
type listData struct {
	Scope         listScope
	Query         listQuery
	Statuses      []statusCount
	Total         int
	Capped        bool // more than models.CountCap: the counts stop there
	Columns       []listColumn
	Rows          []models.DemandRow
	Deadlines     []web.Deadline // each row's implicit decision
	Dues          []deadline.Due // each row's next due time
	Pages         views.PageLinks
	Procedures    []views.Option
	Services      []views.Option
	StatusOptions []views.Option
	NoSuchCode    string // why the search box's text, shaped like a code, opened nothing
	Searched      string // the search box's text, when the list is searched for it
	Filtered      bool   // filters besides the search narrow the list
	BackQuery     string // on the links to the demands: back to this page of the list
	Notice        string
	Exports       bool
	ExportQuery   string // the filters, for the export links
}

// statusCount is one figure of the counts per state, linking to its list.
type statusCount struct {
	State, Label, Href string
	Count              int
	Current            bool
}

// listColumn is a sortable column header.
type listColumn struct {
	Label    string
	Href     string
	AriaSort string // ascending, descending or "" (not sorted by it)
	Next     string // what a click does, for screen readers
}

var columnLabels = []struct{ key, label string }{
	{models.SortReference, "Référence"},
	{models.SortProcedure, "Démarche"},
	{models.SortCitizen, "Usager"},
	{models.SortReceived, "Reçue le"},
	{models.SortUpdated, "Modifiée le"},
	{models.SortState, "Statut"},
	{models.SortService, "Service"},
	{models.SortPriority, "Priorité"},
	{models.SortDue, "Échéance"},
}

// showList renders a list of demands.
func (s *Handlers) showList(c *gin.Context, scope listScope) {
	ctx := c.Request.Context()
	a := currentAgent(c)
	act := workflow.AgentActor(a)
	com := web.Commune(c)
	q := readListQuery(c, scope)
	data := listData{Scope: scope, Query: q, Exports: scope == allScope && a.Has(perm.Export), ExportQuery: q.values().Encode()}

	link := func(edit func(url.Values)) string {
		v := q.values()
		if edit != nil {
			edit(v)
		}
		if len(v) == 0 {
			return scope.Path
		}
		return scope.Path + "?" + v.Encode()
	}

	// A reference or tracking code typed whole opens its demand at once,
	// searching as one types (htmx) too; back from it, the list's filters
	// remain, not the code, which would open the demand again.
	if q.Q != "" {
		d, kind, err := models.FindByCode(ctx, s.DB, com.ID, q.Q)
		switch {
		case err == nil && act.MaySee(d):
			how := "sa référence " + d.Reference
			if kind == models.CodeTracking {
				how = "son code de suivi " + d.TrackingCode
			}
			s.SetFlash(c, views.FlashInfo, "Demande trouvée par "+how+".")
			to := demandBackURL(d.ID, link(func(v url.Values) { v.Del("q") }))
			if c.GetHeader("HX-Request") != "" {
				c.Header("HX-Redirect", to) // htmx would follow a 303 itself and swap the demand's page in
				c.Status(http.StatusOK)
				c.Abort()
				return
			}
			web.Redirect(c, to)
			return
		case err != nil && !errors.Is(err, models.ErrNotFound):
			s.Fail(c, err)
			return
		}
		switch models.CodeKind(q.Q) {
		case models.CodeReference:
			data.NoSuchCode = "Aucune demande ne porte la référence « " + q.Q + " »."
		case models.CodeTracking:
			data.NoSuchCode = "Aucune demande n'a le code de suivi « " + q.Q + " »."
		}
		if words, emails := models.SearchTerms(q.Q); len(words)+len(emails) > 0 {
			data.Searched = q.Q
		} else {
			data.Notice = "Saisissez au moins deux lettres ou chiffres pour chercher."
		}
	}
	data.Filtered = q.Status != statusAll || q.Procedure != "" || q.Service != "" || q.From != "" || q.To != ""

	f, errs := q.filter(act)
	rdb := s.ReadDB(c) // the replica, unless the agent's own write is not there yet
	counted, err := models.CountByState(ctx, rdb, com.ID, f)
	if err != nil {
		s.Fail(c, err)
		return
	}
	f.Counted = &counted // the page reads what counting found
	cur, ok := web.ListKeyset.Cursor(c)
	if !ok {
		s.BadCursor(c, link(nil))
		return
	}
	order := models.Order{Column: q.Sort, Desc: q.Desc, States: workflow.AllStates}
	rows, more, err := models.ListDemands(ctx, rdb, com.ID, f, order, cur, web.PageSize)
	if errors.Is(err, models.ErrBadCursor) {
		s.BadCursor(c, link(nil))
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	data.Rows, data.Capped = rows, counted.Capped
	today := calendar.DateOf(s.Clock.Now())
	for i := range rows {
		data.Deadlines = append(data.Deadlines, web.ImplicitDeadline(&rows[i].Demand, today))
		data.Dues = append(data.Dues, deadline.DueOf(rows[i].DueAt, s.Clock.Now()))
	}
	data.Pages = web.ListKeyset.Links(rows, cur, more, link)
	data.BackQuery = backQuery(link(func(v url.Values) { web.ListKeyset.Keep(c, v) }))

	wanted := f.States
	if len(wanted) == 0 {
		wanted = f.Visible
	}
	for _, st := range f.Visible {
		n := counted.ByState[st]
		if slices.Contains(wanted, st) {
			data.Total += n
		}
		data.Statuses = append(data.Statuses, statusCount{State: st, Label: workflow.StateLabel(st), Count: n,
			Href: link(func(v url.Values) { v.Set("etat", st) }), Current: q.Status == st})
	}
	for _, col := range columnLabels {
		lc := listColumn{Label: col.label, Next: "trier par ordre croissant"}
		desc := false
		if col.key == q.Sort {
			lc.AriaSort = "ascending"
			if q.Desc {
				lc.AriaSort = "descending"
			} else {
				desc = true
				lc.Next = "trier par ordre décroissant"
			}
		}
		lc.Href = link(func(v url.Values) {
			v.Set("tri", col.key)
			v.Del("ordre")
			if desc {
				v.Set("ordre", "desc")
			}
		})
		data.Columns = append(data.Columns, lc)
	}

	data.StatusOptions = []views.Option{{Value: statusQueue, Label: "À traiter par l'accueil"}, {Value: statusAll, Label: "Tous les statuts"}}
	for _, st := range f.Visible {
		data.StatusOptions = append(data.StatusOptions, views.Option{Value: st, Label: workflow.StateLabel(st)})
	}
	if data.Procedures, err = s.procedureOptions(c, com.ID, act); err != nil {
		s.Fail(c, err)
		return
	}
	if data.Services, err = s.serviceOptions(c, com.ID, false); err != nil {
		s.Fail(c, err)
		return
	}

	p := s.Page(c, scope.Title)
	p.Data = data
	p.Wide = true
	p.Errors = errs
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.Render(c, status, "agent/list", p)
}

// procedureOptions lists the procedures of the agent's scope, for a filter.
func (s *Handlers) procedureOptions(c *gin.Context, communeID int64, act workflow.Actor) ([]views.Option, error) {
	ctx := c.Request.Context()
	ps, err := models.AllProcedures(ctx, s.DB, communeID)
	var opts []views.Option
	for _, p := range ps {
		if act.InScope(p.ID) {
			opts = append(opts, views.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title})
		}
	}
	return opts, err
}

// serviceOptions lists a commune's services for a select; activeOnly for a
// transfer, every one for a filter (a deactivated service may still hold demands).
func (s *Handlers) serviceOptions(c *gin.Context, communeID int64, activeOnly bool) ([]views.Option, error) {
	ctx := c.Request.Context()
	ss, err := models.ListServices(ctx, s.DB, communeID, activeOnly)
	opts := make([]views.Option, len(ss))
	for i, sv := range ss {
		label := sv.Name
		if !sv.Active {
			label += " (désactivé)"
		}
		opts[i] = views.Option{Value: strconv.FormatInt(sv.ID, 10), Label: label}
	}
	return opts, err
}

func demandURL(id int64) string { return "/gestion/demandes/" + strconv.FormatInt(id, 10) }

// CountCap and PageSize are figures the list page states.
func (listData) CountCap() int { return models.CountCap }
func (listData) PageSize() int { return web.PageSize }
