package backoffice

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/perm"
)

// satisfactionData is the Data of "agent/satisfaction".
type satisfactionData struct {
	Since     time.Time
	AllTeams  bool // a supervisor: every team; else the accueil's only
	Tables    []ratingTable
	Total     int
	FollowUps bool // the viewer may follow low ratings up
}

type ratingTable struct {
	Caption, Column string
	Rows            []ratingRow
}

type ratingRow struct {
	Label   string
	N, Low  int
	Average string
}

// satisfactionShow shows the citizens' ratings of the answers over twelve
// months, per team, motif, procedure and month: a supervisor sees every
// team's, another agent the accueil's only (its own team).
func (s *Handlers) satisfactionShow(c *gin.Context) {
	a := currentAgent(c)
	now := s.Clock.Now().In(web.Paris)
	since := time.Date(now.Year(), now.Month()-indicatorMonths+1, 1, 0, 0, 0, 0, web.Paris)
	all := a.Has(perm.Supervise)
	stats, err := models.RatingIndicators(c.Request.Context(), s.DB, a.CommuneID, since, !all)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := satisfactionData{Since: since, AllTeams: all, FollowUps: all}
	tables := []ratingTable{
		{Caption: "Par équipe", Column: "Équipe"},
		{Caption: "Par motif", Column: "Motif"},
		{Caption: "Par démarche", Column: "Démarche"},
		{Caption: "Par mois", Column: "Mois"},
	}
	at := map[string]int{models.ByService: 0, models.ByMotif: 1, models.ByProcedure: 2, models.ByMonth: 3}
	for _, st := range stats {
		label := st.Label
		if st.Dimension == models.ByMonth {
			if t, err := time.Parse("2006-01", st.Label); err == nil {
				label = frenchMonths[t.Month()-1] + " " + t.Format("2006")
			}
			data.Total += st.N
		}
		i := at[st.Dimension]
		tables[i].Rows = append(tables[i].Rows, ratingRow{Label: label, N: st.N, Low: st.Low, Average: fmt.Sprintf("%.1f", st.Average)})
	}
	data.Tables = tables
	p := s.Page(c, "Satisfaction des usagers")
	p.Data = data
	s.Render(c, http.StatusOK, "agent/satisfaction", p)
}
