package backoffice

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/calendar"
	"guichet/deadline"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/validate"
	"guichet/views"
)

// closureInput is the admin's form to add a closure.
type closureInput struct {
	From  string `form:"du" label:"le premier jour de fermeture" example:"2026-08-03" validate:"required,datetime=2006-01-02"`
	To    string `form:"au" label:"le dernier jour de fermeture" example:"2026-08-21" validate:"required,datetime=2006-01-02"`
	Label string `form:"motif" label:"le motif de la fermeture" example:"« Fermeture estivale »" validate:"required,max=200"`
}

// adminClosureCreate adds a closure: deadlines in working days and hours
// skip it from then on.
func (s *Handlers) adminClosureCreate(c *gin.Context) {
	in := closureInput{From: strings.TrimSpace(c.PostForm("du")), To: strings.TrimSpace(c.PostForm("au")), Label: strings.TrimSpace(c.PostForm("motif"))}
	form := map[string]any{"du": in.From, "au": in.To, "motif": in.Label}
	year := calendar.DateOf(s.Clock.Now()).Year
	if errs := validate.Struct(in); errs != nil {
		s.showAdminCalendar(c, http.StatusUnprocessableEntity, year, form, errs, nil)
		return
	}
	from, _ := calendar.ParseDate(in.From)
	to, _ := calendar.ParseDate(in.To)
	cl := calendar.Closure{From: from, To: to, Label: in.Label}
	if err := cl.Check(); err != nil {
		s.showAdminCalendar(c, http.StatusUnprocessableEntity, year, form, views.FormErrors{"au": err.Error()}, nil)
		return
	}
	if err := models.CreateClosure(c.Request.Context(), s.DB, models.NewClosure(web.Commune(c).ID, cl)); err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(deadline.RetimeJob) // the due times follow the new calendar
	s.SetFlash(c, views.FlashSuccess, "Fermeture « "+cl.Label+" » enregistrée, du "+from.French()+" au "+to.French()+" : les délais en jours et en heures ouvrés n'y courent pas.")
	web.Redirect(c, calendarPath+"?annee="+strconv.Itoa(from.Year))
}
