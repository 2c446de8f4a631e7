package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/calendar"
	"guichet/deadline"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/validate"
	"guichet/views"
)

// adminCalendarUpdate says whether the commune is in Alsace-Moselle, which
// gives it two more public holidays.
func (s *Handlers) adminCalendarUpdate(c *gin.Context) {
	v := c.PostForm("alsace_moselle")
	if msg := validate.Value(v, "omitempty,oneof=oui", "si la commune est en Alsace-Moselle, en cochant la case ou non"); msg != "" {
		s.showAdminCalendar(c, http.StatusUnprocessableEntity, calendar.DateOf(s.Clock.Now()).Year, nil, views.FormErrors{"alsace_moselle": msg}, nil)
		return
	}
	am := v == "oui"
	if err := models.SetCommuneAlsaceMoselle(c.Request.Context(), s.DB, web.Commune(c).ID, am); err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(deadline.RetimeJob) // the due times follow the new calendar
	msg := "La commune n'est plus comptée en Alsace-Moselle : Vendredi saint et le 26 décembre ne sont plus fériés pour ses délais."
	if am {
		msg = "La commune est comptée en Alsace-Moselle : Vendredi saint et le 26 décembre sont fériés pour ses délais."
	}
	s.SetFlash(c, views.FlashSuccess, msg)
	web.Redirect(c, calendarPath)
}
