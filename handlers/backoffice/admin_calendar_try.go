package backoffice

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/calendar"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/validate"
	"guichet/views"
)

// trialInput is the "try it" box: from a date and time, so many working
// days or hours.
type trialInput struct {
	Date string `form:"date" label:"la date de départ" example:"2026-09-07" validate:"required,datetime=2006-01-02"`
	Time string `form:"heure" label:"l'heure de départ" example:"10:00" validate:"required,datetime=15:04"`
	N    string `form:"nombre" label:"le nombre de jours ou d'heures, de 1 à 1000" example:"2" validate:"required,number"`
	Unit string `form:"unite" label:"l'unité du délai" validate:"oneof=jours_ouvres heures_ouvrees"`
}

// trialResult is the box's answer.
type trialResult struct {
	From, Due string
	Budget    string // "2 jours ouvrés"
	// Decision is the implicit decision date of a demand received that day
	// with the general delay of two months.
	Decision string
}

// adminCalendarTry answers the "try it" box: when a deadline of n working
// days or hours started then lapses, on the commune's calendar.
func (s *Handlers) adminCalendarTry(c *gin.Context) {
	in := trialInput{Date: strings.TrimSpace(c.Query("date")), Time: strings.TrimSpace(c.Query("heure")),
		N: strings.TrimSpace(c.Query("nombre")), Unit: c.Query("unite")}
	form := map[string]any{"date": in.Date, "heure": in.Time, "nombre": in.N, "unite": in.Unit}
	year := calendar.DateOf(s.Clock.Now()).Year
	errs := views.FormErrors(validate.Struct(in))
	n, _ := strconv.Atoi(in.N)
	if _, bad := errs["nombre"]; !bad && (n < 1 || n > 1000) {
		if errs == nil {
			errs = views.FormErrors{}
		}
		errs["nombre"] = "Indiquez un nombre de jours ou d'heures de 1 à 1000."
	}
	if errs != nil {
		s.showAdminCalendar(c, http.StatusUnprocessableEntity, year, form, errs, nil)
		return
	}
	start, _ := time.ParseInLocation("2006-01-02 15:04", in.Date+" "+in.Time, calendar.Paris)
	cal, _, err := models.CommuneCalendar(c.Request.Context(), s.DB, web.Commune(c))
	if err != nil {
		s.Fail(c, err)
		return
	}
	unit := calendar.Unit(in.Unit)
	due := cal.Deadline(start, n, unit, nil)
	decision := cal.ImplicitDecision(calendar.DateOf(start), calendar.DefaultDelay, nil)
	s.showAdminCalendar(c, http.StatusOK, calendar.DateOf(due).Year, form, nil, &trialResult{
		From: frenchInstant(start), Due: frenchInstant(due), Budget: unit.French(n), Decision: decision.Date.FrenchLong(),
	})
}

// frenchInstant is "mercredi 9 septembre 2026 à 17 h".
func frenchInstant(t time.Time) string {
	t = t.In(calendar.Paris)
	return calendar.DateOf(t).FrenchLong() + " à " + calendar.HM(t.Hour(), t.Minute()).French()
}
