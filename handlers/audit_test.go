package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"guichet/audit"
	"guichet/fixture"
	"guichet/history"
	"guichet/models"
)

// openings are the demand's recorded openings, oldest first.
func openings(t *testing.T, a *app, d *models.Demand) []models.Event {
	t.Helper()
	var evs []models.Event
	fixture.Must(t, a.DB.NewSelect().Model(&evs).Where("demand_id = ? AND kind IN (?, ?)", d.ID, history.KindDemandOpened, models.KindLinkOpened).
		Order("seq").Scan(context.Background()))
	return evs
}

// TestDemandOpenings: an agent's openings of a demand are recorded at most
// once an hour, a service's too; a supervisor sees who opened it, an agent
// who does not supervise does not, another commune's agent gets nothing.
func TestDemandOpenings(t *testing.T) {
	a := newApp(t)
	d, link := transferred(t, a)
	page := "/gestion/demandes/" + itoa(d.ID)
	accueil := a.signIn(a.Accueil)
	r := accueil.get(page)
	mustStatus(t, r, 200)
	if strings.Contains(text(r), "Consultations") {
		t.Fatal("an agent who does not supervise sees who opened the demand")
	}
	accueil.get(page)
	accueil.get(page + "/impression")
	if evs := openings(t, a, d); len(evs) != 1 || evs[0].ActorID == nil || *evs[0].ActorID != a.Accueil.ID {
		t.Fatalf("after three openings within the hour: %+v", evs)
	}
	a.Clock.Advance(history.OpeningEvery + time.Minute)
	accueil.get(page)
	mustStatus(t, a.client().get(pathOf(t, link)), 200)

	other := fixture.NewWorld(t, a.DB)
	mustStatus(t, a.signIn(other.Supervisor).get(page), 404)
	if evs := openings(t, a, d); len(evs) != 3 || evs[2].Kind != models.KindLinkOpened {
		t.Fatalf("after the hour and the service's link: %+v", evs)
	}

	r = a.signIn(a.Supervisor).get(page)
	body := text(r)
	i := strings.Index(body, "Consultations")
	if i < 0 {
		t.Fatalf("the supervisor sees no openings:\n%s", body)
	}
	section := body[i:]
	for _, want := range []string{a.Supervisor.Name, "Service voirie, par son lien sécurisé", "Lien du service ouvert", a.Accueil.Name, "Page de la demande ouverte"} {
		if !strings.Contains(section, want) {
			t.Errorf("the openings lack %q:\n%s", want, section)
		}
	}
	if hist := body[strings.Index(body, "Historique"):i]; strings.Contains(hist, "ouverte") || strings.Contains(hist, "Lien du service ouvert") {
		t.Errorf("openings in the history:\n%s", hist)
	}
}

// TestIndicatorsShowTheVerifiedDay: the supervisor sees the last day the
// history verified, and a failed verification.
func TestIndicatorsShowTheVerifiedDay(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	sup := a.signIn(a.Supervisor)
	mustContain(t, sup.get("/gestion/supervision/indicateurs"), "L'historique n'a pas encore été vérifié")
	a.App.Jobs.RunDue(context.Background())
	day := a.Clock.Now().In(audit.Paris).Format("02/01/2006")
	mustContain(t, sup.get("/gestion/supervision/indicateurs"), "Historique vérifié jusqu'au "+day)

	a.exec("UPDATE demand_events SET message = 'Modifié' WHERE demand_id = ?", d.ID)
	a.Clock.Advance(24 * time.Hour)
	a.App.Jobs.RunDue(context.Background())
	r := a.signIn(a.Supervisor).get("/gestion/supervision/indicateurs") // a new day, a new session
	mustContain(t, r, "Historique vérifié jusqu'au "+day)
	mustContain(t, r, "La vérification du "+a.Clock.Now().In(audit.Paris).Format("02/01/2006")+" a trouvé que l'entrée n° 1")
	mustStatus(t, a.signIn(a.Accueil).get("/gestion/supervision/indicateurs"), 403)
}
