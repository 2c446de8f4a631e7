package backoffice

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/workflow"
)

// indicatorsData is the Data of "supervisor/indicators".
type indicatorsData struct {
	Since         time.Time
	States        []statusCount
	Total         int
	Services      []serviceRow
	Returned      int
	Retransferred int
	Months        []string // column headers, "nov. 2026"
	Procedures    []procedureRow
	Tags          []procedureRow // taggings of conversations and demands, per tag and month
	// The history's daily verification (audit.Sealer): the last day it
	// passed, and the last one, when it failed.
	Verified, Failed *models.Seal
	Motifs           []motifStatsRow
	// What citizens did with the help articles, the most read first.
	Articles []models.ArticleCounts
}

// motifStatsRow is one motif's figures, in the tree's order.
type motifStatsRow struct {
	Path                            string
	Received, Decided               int
	Median                          string
	ReclassifiedIn, ReclassifiedOut int
}

type serviceRow struct {
	Name                 string
	Active               bool
	Held                 int
	Oldest               string // age of the longest held demand
	Decided              int
	Average, Percentile9 string
	Returned             int
}

type procedureRow struct {
	Title  string
	Counts []int
	Total  int
}

// monthCount is a count of one thing (a procedure, a tag) in one month.
type monthCount struct {
	key   int64
	title string
	month string // YYYY-MM
	n     int
}

// byMonth lays counts out as rows, one per key in their first order, a
// column per month of column (months outside it are left out).
func byMonth(column map[string]int, counts []monthCount) []procedureRow {
	var out []procedureRow
	at := map[int64]int{}
	for _, c := range counts {
		i, ok := at[c.key]
		if !ok {
			out = append(out, procedureRow{Title: c.title, Counts: make([]int, indicatorMonths)})
			i = len(out) - 1
			at[c.key] = i
		}
		if m, ok := column[c.month]; ok {
			out[i].Counts[m] += c.n
			out[i].Total += c.n
		}
	}
	return out
}

// indicatorMonths is the period of the indicators: this month and the eleven before.
const indicatorMonths = 12

// indicatorsShow tells the supervisor how the commune is doing: demands per
// state, each service's load and speed, the back and forth between accueil
// and services, and the volumes per procedure and month.
func (s *Handlers) indicatorsShow(c *gin.Context) {
	ctx := c.Request.Context()
	com := web.Commune(c)
	now := s.Clock.Now().In(web.Paris)
	since := time.Date(now.Year(), now.Month()-indicatorMonths+1, 1, 0, 0, 0, 0, web.Paris)
	data := indicatorsData{Since: since}
	rdb := s.ReadDB(c)

	counted, err := models.CountByState(ctx, rdb, com.ID, models.DemandFilter{})
	if err != nil {
		s.Fail(c, err)
		return
	}
	last, verified, err := models.LastSeals(ctx, rdb, com.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data.Verified = verified
	if last != nil && !last.Verified {
		data.Failed = last
	}
	for _, st := range workflow.AllStates {
		data.States = append(data.States, statusCount{State: st, Label: workflow.StateLabel(st), Count: counted.ByState[st],
			Href: "/gestion/supervision?" + url.Values{"etat": {st}}.Encode()})
		data.Total += counted.ByState[st]
	}

	stats, err := models.ServiceIndicators(ctx, rdb, com.ID, workflow.Standard.In(workflow.SetService), since)
	if err != nil {
		s.Fail(c, err)
		return
	}
	for _, st := range stats {
		row := serviceRow{Name: st.Name, Active: st.Active, Held: st.Held, Decided: st.Decided, Returned: st.Returned,
			Average: seconds(st.AvgSeconds), Percentile9: seconds(st.P90Seconds)}
		if st.OldestSince != nil {
			row.Oldest = humanDuration(now.Sub(*st.OldestSince))
		}
		data.Services = append(data.Services, row)
	}
	if data.Returned, data.Retransferred, err = models.BackAndForth(ctx, rdb, com.ID, since); err != nil {
		s.Fail(c, err)
		return
	}

	vols, err := models.VolumesByMonth(ctx, rdb, com.ID, since)
	if err != nil {
		s.Fail(c, err)
		return
	}
	column := map[string]int{}
	for i := range indicatorMonths {
		m := since.AddDate(0, i, 0)
		column[m.Format("2006-01")] = i
		data.Months = append(data.Months, frenchMonths[m.Month()-1]+" "+m.Format("2006"))
	}
	monthly := make([]monthCount, len(vols))
	for i, v := range vols {
		monthly[i] = monthCount{v.ProcedureID, v.Title, v.Month, v.N}
	}
	data.Procedures = byMonth(column, monthly)

	tagged, err := models.TagsByMonth(ctx, rdb, com.ID, since)
	if err != nil {
		s.Fail(c, err)
		return
	}
	tree, err := models.Motifs(ctx, rdb, com.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	monthly = make([]monthCount, len(tagged))
	for i, v := range tagged {
		monthly[i] = monthCount{v.TagID, v.Name, v.Month, v.N}
	}
	data.Tags = byMonth(column, monthly)
	mstats, err := models.MotifIndicators(ctx, rdb, com.ID, since, workflow.KindReclassified)
	if err != nil {
		s.Fail(c, err)
		return
	}
	for _, n := range tree {
		st := mstats[n.ID]
		data.Motifs = append(data.Motifs, motifStatsRow{Path: n.Path, Received: st.Received, Decided: st.Decided,
			Median: seconds(st.MedianSeconds), ReclassifiedIn: st.ReclassifiedIn, ReclassifiedOut: st.ReclassifiedOut})
	}
	if data.Articles, err = models.ArticleIndicators(ctx, s.DB, com.ID, indicatorArticles); err != nil {
		s.Fail(c, err)
		return
	}

	p := s.Page(c, "Indicateurs")
	p.Data = data
	s.Render(c, http.StatusOK, "supervisor/indicators", p)
}

var frenchMonths = []string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

func seconds(s *float64) string {
	if s == nil {
		return ""
	}
	return humanDuration(time.Duration(*s * float64(time.Second)))
}

// humanDuration writes a delay the way people say it: "3 j 4 h", "2 h 05 min".
func humanDuration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
		if hours == 0 {
			return fmt.Sprintf("%d j", days)
		}
		return fmt.Sprintf("%d j %d h", days, hours)
	case d >= time.Hour:
		return fmt.Sprintf("%d h %02d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
	case d >= time.Minute:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return "moins d'une minute"
}

// indicatorArticles is how many articles the indicators list, the most read.
const indicatorArticles = 50
