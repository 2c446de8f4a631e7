package backoffice

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
)

// exportCSV streams the filtered list as CSV the way French Excel opens it:
// UTF-8 with a byte order mark (or accents come out garbled), ";" between
// cells, CRLF line ends, dates as dd/mm/yyyy hh:mm.
func (s *Handlers) exportCSV(c *gin.Context) {
	ctx := c.Request.Context()
	plan, ok := s.planExport(c)
	if !ok {
		return
	}
	attachmentHeaders(c, "text/csv; charset=utf-8", plan.name+".csv")
	c.Status(http.StatusOK)
	c.Writer.WriteString("\ufeff")
	w := csv.NewWriter(c.Writer)
	w.Comma, w.UseCRLF = ';', true
	w.Write(plan.headers)
	n := 0
	err := models.EachDemand(ctx, s.ReadDB(c), web.Commune(c).ID, plan.filter, plan.order, func(r *models.DemandRow) error {
		cells := plan.row(r)
		rec := make([]string, len(cells))
		for i, v := range cells {
			rec[i] = csvCell(v)
		}
		if n++; n%500 == 0 {
			w.Flush()
		}
		return w.Write(rec)
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err != nil {
		// The status is sent: the download ends short, and the log says why.
		s.Log.Error("csv export", "err", err)
	}
	c.Abort()
}

// csvCell writes one cell. A text starting like a formula is prefixed with
// an apostrophe: a citizen's answer must never run in the agent's spreadsheet.
func csvCell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case time.Time:
		return v.Format("02/01/2006 15:04")
	case float64:
		return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
	case string:
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			return "'" + v
		}
		return v
	}
	return ""
}
