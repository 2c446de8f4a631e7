package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/perm"
)

// TestEveryFormRefusesAnAddressTheSameWay: an address Guichet could not
// write to (no dot in its domain, a display name around it) is refused by
// every form that takes one, next to the field, in French, what was typed
// kept; nothing is created, queued or tried.
func TestEveryFormRefusesAnAddressTheSameWay(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	anonymous := a.client()
	forms := []struct {
		name string
		c    *client
		path string
		form url.Values
	}{
		{"draft start", anonymous, "/c/" + a.Commune.Slug + "/demarches/" + a.Procedure.Slug, url.Values{"nom": {"Claude Dupont"}}},
		{"agent", admin, "/gestion/admin/agents", url.Values{"nom": {"Léa Quenu"}, "profil": {itoa(a.Profiles[perm.AccueilProfile].ID)}}},
		{"service", admin, "/gestion/admin/services", url.Values{"nom": {"Propreté"}}},
		{"reset request", anonymous, "/gestion/mot-de-passe-oublie", url.Values{}},
		{"sign-in", anonymous, "/gestion/connexion", url.Values{"password": {"un mot de passe"}}},
	}
	for _, f := range forms {
		for _, addr := range []string{"lea.quenu@mairie", "Léa <lea.quenu@mairie.fr>", "lea.quenu@mairie.fr (Léa)"} {
			t.Run(f.name+" "+addr, func(t *testing.T) {
				form := url.Values{"email": {addr}}
				for k, v := range f.form {
					form[k] = v
				}
				r := f.c.post(f.path, form)
				msg, invalid := fieldError(r, "email")
				if r.StatusCode != http.StatusUnprocessableEntity || !invalid || !strings.Contains(msg, "Saisissez une adresse e-mail valide, par exemple ") {
					t.Errorf("got %d %q, want a refusal next to the address", r.StatusCode, msg)
				}
				if kept := r.Doc.Find("#email").AttrOr("value", ""); kept != addr {
					t.Errorf("the address typed is lost: %q", kept)
				}
			})
		}
	}
	for table, where := range map[string]string{"demands": "citizen_email LIKE '%lea.quenu%'", "agents": "email LIKE '%lea.quenu%'",
		"services": "name = 'Propreté'", "reset_requests": "email LIKE '%lea.quenu%'"} {
		var n int
		if err := a.DB.NewRaw("SELECT count(*) FROM "+table+" WHERE "+where).Scan(t.Context(), &n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d rows in %s for a refused address", n, table)
		}
	}
}
