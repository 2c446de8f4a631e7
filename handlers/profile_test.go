package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/fixture"
	"guichet/models"
	"guichet/notify"
	"guichet/perm"
)

// preferencesForm is a complete, valid form of the preferences page.
func preferencesForm(newDemand, returned, resubmitted string) url.Values {
	return url.Values{
		"frequence_" + notify.KindNewDemand:   {newDemand},
		"frequence_" + notify.KindReturned:    {returned},
		"frequence_" + notify.KindResubmitted: {resubmitted},
		"heure_quotidienne":                   {"7"},
		"jour_hebdomadaire":                   {"3"},
		"heure_hebdomadaire":                  {"18"},
	}
}

func preferences(t *testing.T, a *app, ag *models.Agent) notify.Preferences {
	t.Helper()
	p, err := notify.PreferencesOf(context.Background(), a.DB, ag)
	fixture.Must(t, err)
	return p
}

// checked is the value of the checked radio button of a group.
func checked(r *response, name string) string {
	v, _ := r.Doc.Find(`input[name="` + name + `"]:checked`).Attr("value")
	return v
}

func selected(r *response, name string) string {
	v, _ := r.Doc.Find(`select[name="` + name + `"] option[selected]`).Attr("value")
	return v
}

// An agent reaches their profile from the header, sees the defaults, and
// saves a frequency per kind and their digests' hours; the page shows
// them back.
func TestAgentSetsTheirNotifications(t *testing.T) {
	a := newApp(t)
	c := a.signIn(a.Accueil)
	home := c.get("/gestion/")
	if href, _ := home.Doc.Find(".nav-user a").Attr("href"); href != "/gestion/profil" {
		t.Fatalf("header link to the profile: %q", href)
	}
	page := c.get("/gestion/profil")
	mustStatus(t, page, http.StatusOK)
	assertAccessible(t, page.Doc)
	mustContain(t, page, "Mes notifications")
	for _, k := range notify.Kinds() {
		if !strings.Contains(page.Doc.Find("legend").Text(), k.Label) {
			t.Errorf("no question for %q", k.Label)
		}
		if got := checked(page, "frequence_"+k.Name); got != string(k.Default) {
			t.Errorf("%s: %q checked, want the default %q", k.Name, got, k.Default)
		}
	}
	if got := selected(page, "heure_quotidienne"); got != "8" {
		t.Errorf("daily hour %q, want 8 by default", got)
	}
	if strings.Contains(text(page), "Vous ne recevrez plus aucun e-mail") {
		t.Error("the defaults are warned of as silent")
	}

	r := c.post("/gestion/profil", preferencesForm("daily", "weekly", "immediate"))
	mustStatus(t, r, http.StatusSeeOther)
	page = c.follow(r)
	mustContain(t, page, "Vos préférences de notification sont enregistrées.")
	for name, want := range map[string]string{"frequence_new_demand": "daily", "frequence_returned": "weekly", "frequence_resubmitted": "immediate"} {
		if got := checked(page, name); got != want {
			t.Errorf("%s shown %q after saving %q", name, got, want)
		}
	}
	if selected(page, "heure_quotidienne") != "7" || selected(page, "jour_hebdomadaire") != "3" || selected(page, "heure_hebdomadaire") != "18" {
		t.Errorf("schedule shown %s / %s %s", selected(page, "heure_quotidienne"), selected(page, "jour_hebdomadaire"), selected(page, "heure_hebdomadaire"))
	}
	p := preferences(t, a, a.Accueil)
	if p.Frequency[notify.KindNewDemand] != notify.Daily || p.Frequency[notify.KindReturned] != notify.Weekly || p.DailyHour != 7 || p.WeeklyDay != 3 || p.WeeklyHour != 18 {
		t.Errorf("saved %+v", p)
	}
}

// A bad hour or frequency is refused in French beside its field, nothing
// saved, what was sent shown again.
func TestBadNotificationPreferencesAreRefusedInFrench(t *testing.T) {
	a := newApp(t)
	c := a.signIn(a.Accueil)
	before := preferences(t, a, a.Accueil)
	form := preferencesForm("weekly", "souvent", "never")
	form.Set("heure_quotidienne", "24")
	r := c.post("/gestion/profil", form)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	if got := r.Doc.Find("#heure_quotidienne-erreur").Text(); !strings.Contains(got, "Choisissez l'heure du résumé quotidien, entre 0 h et 23 h.") {
		t.Errorf("hour error %q", got)
	}
	if got := r.Doc.Find("#frequence_returned-erreur").Text(); !strings.Contains(got, "Choisissez quand vous êtes prévenu") {
		t.Errorf("frequency error %q", got)
	}
	if checked(r, "frequence_new_demand") != "weekly" || checked(r, "frequence_resubmitted") != "never" || selected(r, "jour_hebdomadaire") != "3" || selected(r, "heure_hebdomadaire") != "18" {
		t.Errorf("input not kept: %s %s %s %s", checked(r, "frequence_new_demand"), checked(r, "frequence_resubmitted"), selected(r, "jour_hebdomadaire"), selected(r, "heure_hebdomadaire"))
	}
	if after := preferences(t, a, a.Accueil); after.Frequency[notify.KindNewDemand] != before.Frequency[notify.KindNewDemand] || after.DailyHour != before.DailyHour {
		t.Errorf("saved despite the refusal: %+v", after)
	}
}

// The page is always the signed-in agent's own: nothing in the request
// names another agent, and saving changes no one else's preferences, of
// this commune or another.
func TestAnotherAgentsNotificationsAreUnreachable(t *testing.T) {
	a := newApp(t)
	other := fixture.NewWorld(t, a.DB)
	c := a.signIn(a.Supervisor)
	mustStatus(t, c.get("/gestion/profil/"+itoa(a.Accueil.ID)), http.StatusNotFound)
	mustStatus(t, c.post("/gestion/profil/"+itoa(a.Accueil.ID), preferencesForm("never", "never", "never")), http.StatusNotFound)
	form := preferencesForm("never", "never", "never")
	form.Set("agent", itoa(a.Accueil.ID))
	form.Set("agent_id", itoa(other.Accueil.ID))
	mustStatus(t, c.post("/gestion/profil", form), http.StatusSeeOther)
	if !preferences(t, a, a.Supervisor).Silent() {
		t.Error("the supervisor's own preferences were not saved")
	}
	for _, ag := range []*models.Agent{a.Accueil, other.Accueil} {
		if p := preferences(t, a, ag); p.Silent() || p.DailyHour != notify.DefaultDigestHour {
			t.Errorf("%s's preferences changed: %+v", ag.Email, p)
		}
	}
	page := c.get("/gestion/profil")
	if strings.Contains(page.Body, a.Accueil.Email) || !strings.Contains(text(page), a.Supervisor.Email) {
		t.Error("the profile page is not the signed-in agent's")
	}
}

// Turning everything off is warned of on the agent's page, and the admin
// sees who receives nothing (active agents only).
func TestTheSilentAreWarnedAndShownToTheAdmin(t *testing.T) {
	a := newApp(t)
	c := a.signIn(a.Accueil)
	r := c.post("/gestion/profil", preferencesForm("never", "never", "never"))
	mustStatus(t, r, http.StatusSeeOther)
	page := c.follow(r)
	mustContain(t, page, "Vous ne recevrez plus aucun e-mail du guichet")
	assertAccessible(t, page.Doc)

	marked := func(ag *models.Agent) bool {
		t.Helper()
		list := a.signIn(a.Admin).get("/gestion/admin/agents")
		mustStatus(t, list, http.StatusOK)
		row := list.Doc.Find("tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.Contains(s.Text(), ag.Email)
		})
		return strings.Contains(row.Text(), "Ne reçoit aucun e-mail")
	}
	if !marked(a.Accueil) {
		t.Error("the silent agent is not marked on the admin's list")
	}
	if marked(a.NewAgent(t, "accueil2", a.Profiles[perm.AccueilProfile])) {
		t.Error("an accueil agent with the defaults is marked silent")
	}
	// A supervisor follows the queue in the lists: by default, no e-mail.
	if !marked(a.Supervisor) {
		t.Error("a supervisor with the defaults, who receives nothing, is not marked")
	}
	// One kind back on: no longer silent.
	mustStatus(t, c.post("/gestion/profil", preferencesForm("never", "daily", "never")), http.StatusSeeOther)
	if strings.Contains(text(c.get("/gestion/profil")), "Vous ne recevrez plus aucun e-mail") || marked(a.Accueil) {
		t.Error("still warned of as silent with one kind on")
	}
	// A deactivated agent is not counted among those who receive nothing.
	mustStatus(t, c.post("/gestion/profil", preferencesForm("never", "never", "never")), http.StatusSeeOther)
	mustStatus(t, a.signIn(a.Admin).post("/gestion/admin/agents/"+itoa(a.Accueil.ID)+"/desactiver", nil), http.StatusSeeOther)
	if marked(a.Accueil) {
		t.Error("a deactivated agent is marked silent")
	}
}
