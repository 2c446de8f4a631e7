package backoffice

import (
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"guichet/handlers/web"
	"guichet/models"
)

// exportXLSX streams the filtered list as an Excel workbook, with real
// dates and numbers (sortable, filterable), a bold frozen header row and an
// autofilter. Rows go through excelize's stream writer, so memory does not
// grow with the number of demands.
func (s *Handlers) exportXLSX(c *gin.Context) {
	ctx := c.Request.Context()
	plan, ok := s.planExport(c)
	if !ok {
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Demandes"
	f.SetSheetName("Sheet1", sheet)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		s.Fail(c, err)
		return
	}
	bold, err1 := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	dateFmt := "dd/mm/yyyy hh:mm"
	date, err2 := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err := firstErr(err1, err2, sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})); err != nil {
		s.Fail(c, err)
		return
	}
	widths := map[int]float64{1: 16, 2: 30, 3: 24, 4: 24, 5: 30, 6: 17, 7: 17, 8: 17, 9: 12, 10: 18, 11: 17}
	for col, w := range widths {
		if err := sw.SetColWidth(col, col, w); err != nil {
			s.Fail(c, err)
			return
		}
	}
	header := make([]any, len(plan.headers))
	for i, h := range plan.headers {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", header); err != nil {
		s.Fail(c, err)
		return
	}
	row := 1
	err = models.EachDemand(ctx, s.ReadDB(c), web.Commune(c).ID, plan.filter, plan.order, func(r *models.DemandRow) error {
		row++
		cells := plan.row(r)
		for i, v := range cells {
			if t, ok := v.(time.Time); ok {
				// Excel has no time zones: write Paris's wall clock.
				wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
				cells[i] = excelize.Cell{StyleID: date, Value: wall}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		s.Fail(c, err)
		return
	}
	last, _ := excelize.CoordinatesToCellName(len(plan.headers), row)
	if err := firstErr(sw.Flush(), f.AutoFilter(sheet, "A1:"+last, nil)); err != nil {
		s.Fail(c, err)
		return
	}
	attachmentHeaders(c, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", plan.name+".xlsx")
	if _, err := f.WriteTo(c.Writer); err != nil {
		s.Log.Error("xlsx export", "err", err)
	}
	c.Abort()
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
