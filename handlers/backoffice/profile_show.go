package backoffice

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/notify"
	"guichet/views"
)

// profileData is the Data of "agent/profile".
type profileData struct {
	Profile     string
	Kinds       []profileKind
	Frequencies []views.Option
	Hours, Days []views.Option
	// Silent: every kind is set to never, in the form as shown.
	Silent bool
}

// profileKind is one question of the form: how to be told of a kind.
type profileKind struct{ Field, Label string }

// frequencyField is the form's field of a kind's frequency.
func frequencyField(k notify.Kind) string { return "frequence_" + k.Name }

var (
	frequencyOptions = func() []views.Option {
		var opts []views.Option
		for _, f := range notify.Frequencies {
			opts = append(opts, views.Option{Value: string(f.Frequency), Label: f.Label})
		}
		return opts
	}()
	hourOptions = func() []views.Option {
		var opts []views.Option
		for h := range 24 {
			opts = append(opts, views.Option{Value: strconv.Itoa(h), Label: fmt.Sprintf("%d h", h)})
		}
		return opts
	}()
	dayOptions = func() []views.Option {
		var opts []views.Option
		for i, d := range notify.Weekdays {
			opts = append(opts, views.Option{Value: strconv.Itoa(i + 1), Label: d})
		}
		return opts
	}()
)

// profileShow is the signed-in agent's profile: how they want to be told
// of each kind of event. Only their own: the page takes no agent id.
func (s *Handlers) profileShow(c *gin.Context) {
	a := currentAgent(c)
	p, err := notify.PreferencesOf(c.Request.Context(), s.DB, a)
	if err != nil {
		s.Fail(c, err)
		return
	}
	form := map[string]any{
		"heure_quotidienne":  strconv.Itoa(p.DailyHour),
		"jour_hebdomadaire":  strconv.Itoa(p.WeeklyDay),
		"heure_hebdomadaire": strconv.Itoa(p.WeeklyHour),
	}
	for _, k := range notify.Kinds() {
		form[frequencyField(k)] = string(p.Frequency[k.Name])
	}
	s.showProfile(c, http.StatusOK, form, nil)
}

func (s *Handlers) showProfile(c *gin.Context, status int, form map[string]any, errs views.FormErrors) {
	d := profileData{Profile: currentAgent(c).Profile.Name, Frequencies: frequencyOptions, Hours: hourOptions, Days: dayOptions, Silent: true}
	for _, k := range notify.Kinds() {
		d.Kinds = append(d.Kinds, profileKind{Field: frequencyField(k), Label: k.Label})
		if form[frequencyField(k)] != string(notify.Never) {
			d.Silent = false
		}
	}
	p := s.Page(c, "Mon profil")
	p.Form, p.Errors, p.Data = form, errs, d
	s.Render(c, status, "agent/profile", p)
}
