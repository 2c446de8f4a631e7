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

// TestDeactivatedCommune: the operator deactivates a commune. Every
// citizen's page under /c/SLUG/ says the guichet is no longer in service
// (410, with its contact card), no draft starts, nothing is submitted; its
// service links stop working; its agents are signed out and cannot sign
// in again. Nothing is deleted: reactivated, it works as before.
func TestDeactivatedCommune(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	slug := "/c/" + a.Commune.Slug
	draft := a.Draft(t, "claude@example.fr")
	follow, err := a.Notifier.FollowURL(a.Commune, draft)
	fixture.Must(t, err)
	held, serviceLink := transferred(t, a)
	board, _, err := a.Notifier.BoardURL(a.Commune, a.Voirie)
	fixture.Must(t, err)
	desk := a.signIn(a.Accueil)
	heldBefore := stateOf(t, a, held)

	_, _, err = commune.SetActive(ctx, a.DB, a.Commune.Slug, false)
	fixture.Must(t, err)

	citizen := a.client()
	closed := func(r *response) {
		t.Helper()
		mustStatus(t, r, http.StatusGone)
		mustContain(t, r, "Ce guichet n'est plus en service")
		if footer := r.Doc.Find("footer").Text(); !strings.Contains(footer, a.Commune.Phone) || !strings.Contains(footer, a.Commune.Email) {
			t.Fatalf("no contact card: %s", footer)
		}
	}
	for _, path := range []string{slug + "/", slug + "/demarches/" + a.Procedure.Slug, follow, serviceLink, board} {
		closed(citizen.get(path))
	}
	assertAccessible(t, citizen.get(slug+"/").Doc)
	closed(citizen.post(slug+"/demarches/"+a.Procedure.Slug, url.Values{"email": {"dominique@example.fr"}, "nom": {"Dominique"}}))
	closed(citizen.post(follow+"/deposer", url.Values{"nom": {"Claude"}, "description": {"Un trou"}}))
	closed(citizen.post(slug+"/suivre", url.Values{"code": {draft.TrackingCode}}))
	closed(citizen.post(serviceLink+"/acceptation", url.Values{"version": {"3"}, "message": {"Vu"}, "confirmer": {"oui"}}))
	n, err := a.DB.NewSelect().Model((*models.Demand)(nil)).Where("commune_id = ?", a.Commune.ID).Count(ctx)
	fixture.Must(t, err)
	if n != 2 || a.reload(t, draft).State != "draft" || stateOf(t, a, held) != heldBefore {
		t.Fatalf("a closed commune's demands changed: %d demands, draft %s, held %+v", n, a.reload(t, draft).State, stateOf(t, a, held))
	}
	if home := citizen.get("/"); strings.Contains(home.Body, slug+"/") {
		t.Fatal("the instance's home page still lists the commune")
	}

	// Its agents: the session ended, sign-in refused in French.
	mustStatus(t, desk.get("/gestion/"), http.StatusSeeOther)
	r := a.client().post("/gestion/connexion", url.Values{"email": {a.Accueil.Email}, "password": {fixture.Password}})
	mustStatus(t, r, http.StatusForbidden)
	mustContain(t, r, "n'est plus en service : ses agents ne peuvent plus se connecter")
	// A wrong password tells nothing of the commune.
	r = a.client().post("/gestion/connexion", url.Values{"email": {a.Accueil.Email}, "password": {"pas le bon mot de passe"}})
	mustStatus(t, r, http.StatusUnauthorized)
	if link := a.requestReset(a.Admin.Email); link != "" {
		t.Fatal("an agent of a closed commune got a reset link")
	}

	_, _, err = commune.SetActive(ctx, a.DB, a.Commune.Slug, true)
	fixture.Must(t, err)
	mustStatus(t, citizen.get(slug+"/"), http.StatusOK)
	mustStatus(t, citizen.get(follow), http.StatusOK)
	mustStatus(t, citizen.get(serviceLink), http.StatusOK)
	mustStatus(t, citizen.get(board), http.StatusOK)
	a.signIn(a.Accueil)
}
