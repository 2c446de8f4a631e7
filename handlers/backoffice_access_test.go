package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/calendar"
	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
)

// TestEveryBackOfficeRouteChecksRoleAndCommune tries every back-office route
// with no session, with each role, and with each role of another commune:
// each is let through or refused as it should be, and what another
// commune's agent gets never holds this commune's data.
func TestEveryBackOfficeRouteChecksRoleAndCommune(t *testing.T) {
	a := newApp(t)
	other := fixture.NewWorld(t, a.DB)
	shown := a.DemandAt(t, fixture.AtSubmitted)
	file := a.attach(shown, "", "note.pdf", pdfFile(100))
	// This commune's data, which another commune's agent must never see.
	secrets := []string{shown.Reference, shown.CitizenEmail, a.Voirie.Email, a.Accueil.Email, a.Commune.Name}

	const (
		desk  = "desk"  // accueil and supervisor
		super = "super" // supervisor
		admin = "admin"
		any   = "any"
	)
	closure := func() int64 {
		cl := models.NewClosure(a.Commune.ID, calendar.Closure{From: calendar.D(2026, 8, 3), To: calendar.D(2026, 8, 21), Label: "Fermeture estivale"})
		fixture.Must(t, models.CreateClosure(context.Background(), a.DB, cl))
		return cl.ID
	}
	demand := func() string { return "/gestion/demandes/" + itoa(a.DemandAt(t, fixture.AtSubmitted).ID) }
	routes := []struct {
		method   string
		path     func() string // a fresh path each time (a POST may act)
		who      string
		ok       int // status when allowed
		form     url.Values
		onDemand bool // names a demand of this commune: another commune's agent gets 404
	}{
		{"GET", func() string { return "/gestion/" }, any, http.StatusOK, nil, false},
		{"GET", func() string { return "/gestion/profil" }, any, http.StatusOK, nil, false},
		{"POST", func() string { return "/gestion/profil" }, any, http.StatusUnprocessableEntity, url.Values{"heure_quotidienne": {"25"}}, false},
		{"GET", func() string { return "/gestion/demandes/" + itoa(shown.ID) }, desk, http.StatusOK, nil, true},
		{"GET", func() string { return "/gestion/demandes/" + itoa(shown.ID) + "/impression" }, desk, http.StatusOK, nil, true},
		{"GET", func() string { return "/gestion/demandes/" + itoa(shown.ID) + "/pieces/" + itoa(file.ID) }, desk, http.StatusOK, nil, true},
		{"POST", func() string { return demand() + "/actions/accepter" }, desk, http.StatusSeeOther, url.Values{"version": {"2"}, "confirmer": {"oui"}}, true},
		{"POST", func() string { return demand() + "/notes" }, desk, http.StatusSeeOther, url.Values{"message": {"Vu."}}, true},
		{"POST", func() string { return demand() + "/pieces" }, desk, http.StatusUnprocessableEntity, nil, true},
		{"GET", func() string { return "/gestion/supervision" }, super, http.StatusOK, nil, false},
		{"GET", func() string { return "/gestion/supervision?q=lampadaire+eglise" }, super, http.StatusOK, nil, false},
		{"GET", func() string { return "/gestion/supervision/indicateurs" }, super, http.StatusOK, nil, false},
		{"GET", func() string { return "/gestion/supervision/export.csv?etat=tous" }, super, http.StatusOK, nil, false},
		{"GET", func() string { return "/gestion/supervision/export.xlsx" }, super, http.StatusOK, nil, false},
		{"GET", func() string { return "/gestion/admin/commune" }, admin, http.StatusOK, nil, false},
		{"POST", func() string { return "/gestion/admin/commune" }, admin, http.StatusUnprocessableEntity, url.Values{"nom": {"X"}}, false},
		{"POST", func() string { return "/gestion/admin/commune/logo" }, admin, http.StatusUnprocessableEntity, nil, false},
		{"GET", func() string { return "/gestion/admin/agents" }, admin, http.StatusOK, nil, false},
		{"POST", func() string { return "/gestion/admin/agents" }, admin, http.StatusUnprocessableEntity, url.Values{"nom": {"X"}}, false},
		{"POST", func() string { return "/gestion/admin/agents/" + itoa(a.Supervisor.ID) + "/invitation" }, admin, http.StatusSeeOther, nil, true},
		{"POST", func() string { return "/gestion/admin/agents/" + itoa(a.Supervisor.ID) + "/reactiver" }, admin, http.StatusSeeOther, nil, true},
		{"GET", func() string { return "/gestion/admin/services" }, admin, http.StatusOK, nil, false},
		{"POST", func() string { return "/gestion/admin/services" }, admin, http.StatusUnprocessableEntity, url.Values{}, false},
		{"POST", func() string { return "/gestion/admin/services/" + itoa(a.Urbanisme.ID) + "/reactiver" }, admin, http.StatusSeeOther, nil, true},
		{"POST", func() string { return "/gestion/admin/services/" + itoa(a.Urbanisme.ID) + "/lien-tableau" }, admin, http.StatusSeeOther, url.Values{"confirmer": {"oui"}}, true},
		{"POST", func() string { return "/gestion/admin/services/" + itoa(a.Urbanisme.ID) + "/revoquer-liens" }, admin, http.StatusSeeOther, url.Values{"confirmer": {"oui"}}, true},
		{"GET", func() string { return "/gestion/admin/calendrier?annee=2027" }, admin, http.StatusOK, nil, false},
		{"GET", func() string {
			return "/gestion/admin/calendrier/essai?date=2026-09-08&heure=10:00&nombre=2&unite=jours_ouvres"
		}, admin, http.StatusOK, nil, false},
		{"POST", func() string { return "/gestion/admin/calendrier/alsace-moselle" }, admin, http.StatusSeeOther, url.Values{"alsace_moselle": {"oui"}}, false},
		{"POST", func() string { return "/gestion/admin/calendrier/fermetures" }, admin, http.StatusUnprocessableEntity, url.Values{}, false},
		{"POST", func() string { return "/gestion/admin/calendrier/fermetures/" + itoa(closure()) + "/supprimer" }, admin, http.StatusSeeOther, nil, true},
	}
	actors := []struct {
		name  string
		agent *models.Agent
		home  bool // of this commune
	}{
		{"no session", nil, false},
		{"accueil", a.Accueil, true}, {"supervisor", a.Supervisor, true}, {"admin", a.Admin, true},
		{"other accueil", other.Accueil, false}, {"other supervisor", other.Supervisor, false}, {"other admin", other.Admin, false},
	}
	// The roles of earlier versions are the default profiles now.
	allowed := func(who, profile string) bool {
		switch who {
		case any:
			return true
		case desk:
			return profile == perm.AccueilProfile || profile == perm.SupervisorProfile
		case super:
			return profile == perm.SupervisorProfile
		}
		return profile == perm.AdminProfile
	}
	for _, ac := range actors {
		c := a.client()
		if ac.agent != nil {
			c = a.signIn(ac.agent)
		}
		for _, rt := range routes {
			path := rt.path()
			var r *response
			if rt.method == "GET" {
				r = c.get(path)
			} else {
				r = c.post(path, rt.form)
			}
			want := rt.ok
			switch {
			case ac.agent == nil && rt.method == "GET":
				want = http.StatusSeeOther
			case ac.agent == nil:
				want = http.StatusUnauthorized
			case !allowed(rt.who, ac.agent.Profile.Name):
				want = http.StatusForbidden
			case !ac.home && rt.onDemand:
				want = http.StatusNotFound
			case path == "/gestion/" && ac.agent.Profile.Name == perm.AdminProfile:
				want = http.StatusSeeOther // to the administration
			}
			name := ac.name + " " + rt.method + " " + path
			if r.StatusCode != want {
				t.Errorf("%s: %d, want %d: %.200s", name, r.StatusCode, want, text(r))
				continue
			}
			if ac.agent == nil && rt.method == "GET" && !strings.HasPrefix(r.Header.Get("Location"), "/gestion/connexion") {
				t.Errorf("%s: redirected to %q, not to sign in", name, r.Header.Get("Location"))
			}
			if !ac.home {
				for _, s := range secrets {
					if strings.Contains(r.Body, s) {
						t.Errorf("%s: shows %q of another commune", name, s)
					}
				}
			}
		}
	}
}
