package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/commune"
	"guichet/fixture"
	"guichet/models"
)

// TestCommuneIdentityRoutesCheckRoleAndCommune tries every route of the
// identity page: another commune's admin changes only their own commune
// and sees nothing of this one; this commune's accueil agent and
// supervisor get a French 403; without a session, nothing happens.
func TestCommuneIdentityRoutesCheckRoleAndCommune(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	other := fixture.NewWorld(t, a.DB)
	a.exec("UPDATE communes SET name = 'Ville-Témoin', phone = '09 87 65 43 21' WHERE id = ?", a.Commune.ID)
	fixture.Must(t, commune.SaveLogo(ctx, a.DB, a.Commune, logoPNG(t, 300, 100), a.Clock.Now()))
	secrets := []string{"Ville-Témoin", "09 87 65 43 21", a.Commune.Email, a.Commune.LogoSHA256[:12]}
	type snapshot struct {
		Name, Logo string
		Version    int
	}
	snap := func(id int64) snapshot {
		c, err := models.CommuneByID(ctx, a.DB, id)
		fixture.Must(t, err)
		return snapshot{c.Name, c.LogoSHA256, c.Version}
	}
	before := snap(a.Commune.ID)

	identity := url.Values{"version": {"1"}, "nom": {"Prise"}, "couleur": {"#1f4e8c"}, "adresse": {"1 rue"},
		"telephone": {"01 02 03 04 05"}, "email": {"prise@mairie.test"}}
	routes := []struct {
		method, path string
		form         url.Values
		file         []byte // a logo to send, for the upload
		ok           int    // the status for an admin
	}{
		{"GET", "/gestion/admin/commune", nil, nil, http.StatusOK},
		{"POST", "/gestion/admin/commune", identity, nil, http.StatusSeeOther},
		{"POST", "/gestion/admin/commune/logo", nil, logoPNG(t, 50, 50), http.StatusSeeOther},
		{"POST", "/gestion/admin/commune/logo/supprimer", nil, nil, http.StatusSeeOther},
	}
	send := func(c *client, method, path string, form url.Values, file []byte) *response {
		switch {
		case method == "GET":
			return c.get(path)
		case file != nil:
			return c.postFile(path, form, "logo", "logo.png", file)
		}
		return c.post(path, form)
	}
	for _, rt := range routes {
		// Another commune's admin acts on their own commune only.
		otherAdmin := a.signIn(other.Admin)
		r := send(otherAdmin, rt.method, rt.path, rt.form, rt.file)
		mustStatus(t, r, rt.ok)
		if rt.ok == http.StatusSeeOther {
			r = otherAdmin.follow(r)
		}
		for _, s := range secrets {
			if strings.Contains(r.Body, s) {
				t.Errorf("%s %s as the other commune's admin shows %q", rt.method, rt.path, s)
			}
		}
		if got := snap(a.Commune.ID); got != before {
			t.Fatalf("%s %s as the other commune's admin changed this commune: %+v", rt.method, rt.path, got)
		}

		for _, ag := range []*models.Agent{a.Accueil, a.Supervisor} {
			r := send(a.signIn(ag), rt.method, rt.path, rt.form, rt.file)
			mustStatus(t, r, http.StatusForbidden)
			mustContain(t, r, "la permission « Administrer », que votre profil (« "+ag.Profile.Name+" ») n'accorde pas")
		}
		r = send(a.client(), rt.method, rt.path, rt.form, rt.file)
		if want := map[string]int{"GET": http.StatusSeeOther, "POST": http.StatusUnauthorized}[rt.method]; r.StatusCode != want {
			t.Errorf("%s %s without a session: %d, want %d", rt.method, rt.path, r.StatusCode, want)
		}
		if got := snap(a.Commune.ID); got != before {
			t.Fatalf("%s %s by a non-admin changed the commune: %+v", rt.method, rt.path, got)
		}
	}
	// The other admin's saves reached their own commune.
	if got := snap(other.Commune.ID); got.Name != "Prise" || got.Version != 2 || got.Logo != "" {
		t.Fatalf("the other commune after its admin's actions: %+v", got)
	}
}
