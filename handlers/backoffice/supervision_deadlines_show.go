package backoffice

import (
	"fmt"
	"math"

	"github.com/gin-gonic/gin"

	"guichet/deadline"
	"guichet/handlers/web"
	"guichet/models"
)

// deadlinesShareData is the Data of "supervisor/deadlines".
type deadlinesShareData struct {
	ByTeam, ByMotif []shareRow
}

// shareRow is one group's share of deadlines met, for one target.
type shareRow struct {
	Group, Target string
	Met, Missed   int
	Share         string // "67 %"
}

// supervisionDeadlinesShow shows the share of deadlines met, per team and
// per motif, for each target: of the clocks whose outcome is known (met,
// or past their due time), those met in time.
func (s *Handlers) supervisionDeadlinesShow(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	var data deadlinesShareData
	for _, by := range []struct {
		key, none string
		rows      *[]shareRow
	}{{"team", "Accueil", &data.ByTeam}, {"motif", "Sans motif", &data.ByMotif}} {
		shares, err := models.DeadlineShares(ctx, s.DB, cm.ID, by.key, s.Clock.Now())
		if err != nil {
			s.Fail(c, err)
			return
		}
		for _, sh := range shares {
			group := sh.Group
			if group == "" {
				group = by.none
			}
			*by.rows = append(*by.rows, shareRow{Group: group, Target: deadline.TargetLabel(sh.Target), Met: sh.Met, Missed: sh.Missed,
				Share: fmt.Sprintf("%d\u00a0%%", int(math.Round(100*float64(sh.Met)/float64(sh.Met+sh.Missed))))})
		}
	}
	p := s.Page(c, "Échéances tenues")
	p.Data = data
	s.Render(c, 200, "supervisor/deadlines", p)
}
