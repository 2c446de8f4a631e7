package backoffice

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/calendar"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

const calendarPath = "/gestion/admin/calendrier"

// The years the holidays page shows: those of the Gregorian calendar.
const (
	firstYear = 1583
	lastYear  = 9999
)

// adminCalendarData is the Data of "admin/calendar".
type adminCalendarData struct {
	Year, Prev, Next int
	FirstYear        int
	LastYear         int
	Holidays         []holidayRow
	AlsaceMoselle    bool
	Week             []string // the opening hours, a line a day
	Closures         []closureRow
	Units            []views.Option
	Trial            *trialResult // the "try it" box's answer, nil until asked
}

type holidayRow struct {
	Day, Name string
	DayOff    bool // on a Saturday or a Sunday
}

type closureRow struct {
	ID              int64
	From, To, Label string
	Days            int
}

var unitOptions = func() []views.Option {
	var os []views.Option
	for _, u := range calendar.Units {
		os = append(os, views.Option{Value: string(u), Label: u.Label()})
	}
	return os
}()

// adminCalendarShow shows the commune's calendar: a year's public holidays
// (?annee=, this year by default), the Alsace-Moselle setting, the opening
// hours deadlines count on, the closures, and a box to try a deadline.
func (s *Handlers) adminCalendarShow(c *gin.Context) {
	year, form, errs := s.calendarYear(c)
	status := http.StatusOK
	if errs != nil {
		status = http.StatusUnprocessableEntity
	}
	s.showAdminCalendar(c, status, year, form, errs, nil)
}

// calendarYear reads ?annee=; a year out of range gives this year, the
// typed value kept and a French message.
func (s *Handlers) calendarYear(c *gin.Context) (int, map[string]any, views.FormErrors) {
	this := calendar.DateOf(s.Clock.Now()).Year
	v, ok := c.GetQuery("annee")
	if !ok {
		return this, nil, nil
	}
	y, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || y < firstYear || y > lastYear {
		return this, map[string]any{"annee": v}, views.FormErrors{"annee": "Indiquez une année en chiffres, de " + strconv.Itoa(firstYear) + " à " + strconv.Itoa(lastYear) + ", par exemple " + strconv.Itoa(this+1) + "."}
	}
	return y, nil, nil
}

func (s *Handlers) showAdminCalendar(c *gin.Context, status, year int, form map[string]any, errs views.FormErrors, trial *trialResult) {
	ctx := c.Request.Context()
	cal, rows, err := models.CommuneCalendar(ctx, s.DB, web.Commune(c))
	if err != nil {
		s.Fail(c, err)
		return
	}
	d := adminCalendarData{Year: year, Prev: max(year-1, firstYear), Next: min(year+1, lastYear), FirstYear: firstYear, LastYear: lastYear,
		AlsaceMoselle: cal.AlsaceMoselle(), Week: cal.Week().Lines(), Units: unitOptions, Trial: trial}
	for _, h := range cal.Holidays(year) {
		wd := h.Date.Weekday()
		d.Holidays = append(d.Holidays, holidayRow{Day: h.Date.FrenchLong(), Name: h.Name, DayOff: wd == 0 || wd == 6})
	}
	for _, r := range rows {
		cl := r.Calendar()
		d.Closures = append(d.Closures, closureRow{ID: r.ID, From: cl.From.FrenchLong(), To: cl.To.FrenchLong(), Label: cl.Label, Days: cl.From.DaysUntil(cl.To) + 1})
	}
	if form == nil {
		form = map[string]any{}
	}
	if _, ok := form["annee"]; !ok {
		form["annee"] = strconv.Itoa(year)
	}
	if _, ok := form["heure"]; !ok {
		form["heure"] = "10:00"
	}
	p := s.Page(c, "Calendrier")
	p.Form, p.Errors, p.Data = form, errs, d
	s.Render(c, status, "admin/calendar", p)
}
