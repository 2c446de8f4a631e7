package backoffice

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/notify"
	"guichet/validate"
	"guichet/views"
)

// scheduleInput is when the agent's digests go, as the form sends it.
type scheduleInput struct {
	DailyHour  string `form:"heure_quotidienne" label:"l'heure du résumé quotidien, entre 0 h et 23 h" validate:"oneof=0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23"`
	WeeklyDay  string `form:"jour_hebdomadaire" label:"le jour du résumé hebdomadaire, du lundi au dimanche" validate:"oneof=1 2 3 4 5 6 7"`
	WeeklyHour string `form:"heure_hebdomadaire" label:"l'heure du résumé hebdomadaire, entre 0 h et 23 h" validate:"oneof=0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23"`
}

var frequencyRule = func() string {
	var vs []string
	for _, f := range notify.Frequencies {
		vs = append(vs, string(f.Frequency))
	}
	return "oneof=" + strings.Join(vs, " ")
}()

// profileUpdate saves the signed-in agent's notification preferences; a
// refusal shows the form again as it was sent, with French messages.
func (s *Handlers) profileUpdate(c *gin.Context) {
	in := scheduleInput{DailyHour: c.PostForm("heure_quotidienne"), WeeklyDay: c.PostForm("jour_hebdomadaire"), WeeklyHour: c.PostForm("heure_hebdomadaire")}
	form := map[string]any{"heure_quotidienne": in.DailyHour, "jour_hebdomadaire": in.WeeklyDay, "heure_hebdomadaire": in.WeeklyHour}
	errs := views.FormErrors(validate.Struct(in))
	p := notify.Preferences{Frequency: map[string]notify.Frequency{}}
	for _, k := range notify.Kinds() {
		v := c.PostForm(frequencyField(k))
		form[frequencyField(k)] = v
		if msg := validate.Value(v, frequencyRule, "quand vous êtes prévenu : « "+k.Label+" »"); msg != "" {
			if errs == nil {
				errs = views.FormErrors{}
			}
			errs[frequencyField(k)] = msg
		}
		p.Frequency[k.Name] = notify.Frequency(v)
	}
	if errs != nil {
		s.showProfile(c, http.StatusUnprocessableEntity, form, errs)
		return
	}
	p.DailyHour, _ = strconv.Atoi(in.DailyHour)
	p.WeeklyDay, _ = strconv.Atoi(in.WeeklyDay)
	p.WeeklyHour, _ = strconv.Atoi(in.WeeklyHour)
	a := currentAgent(c)
	if err := notify.SavePreferences(c.Request.Context(), s.DB, a.CommuneID, a.ID, p); err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Vos préférences de notification sont enregistrées.")
	web.Redirect(c, "/gestion/profil")
}
