package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
)

// boardMails counts the board-link mails queued for the address.
func boardMails(t *testing.T, a *app, to string) int {
	t.Helper()
	n, err := a.DB.NewSelect().Model((*models.OutboxMail)(nil)).
		Where("recipient = ? AND subject LIKE 'Tableau de bord du service%'", to).Count(context.Background())
	fixture.Must(t, err)
	return int(n)
}

// serviceForm is the form of an action on a service's links on the admin's services page.
func serviceForm(t *testing.T, page *response, s *models.Service, slug string) url.Values {
	t.Helper()
	form := page.Doc.Find(`form[action="/gestion/admin/services/` + itoa(s.ID) + `/` + slug + `"]`)
	if form.Length() != 1 {
		t.Fatalf("no %s form for %s: %s", slug, s.Name, text(page))
	}
	return formValues(form)
}

// TestAdminSendsAServiceItsBoardLink: from the services page, once
// confirmed, the board link goes to the service's address and opens its
// board; a deactivated service is offered none.
func TestAdminSendsAServiceItsBoardLink(t *testing.T) {
	a := newApp(t)
	a.DemandAt(t, fixture.AtTransferred)
	admin := a.signIn(a.Admin)
	page := admin.get("/gestion/admin/services")
	mustStatus(t, page, http.StatusOK)
	assertAccessible(t, page.Doc)
	before := boardMails(t, a, a.Voirie.Email)

	// Unconfirmed: the page comes back with the box flagged, and nothing is sent.
	path := "/gestion/admin/services/" + itoa(a.Voirie.ID) + "/lien-tableau"
	r := admin.post(path, serviceForm(t, page, a.Voirie, "lien-tableau"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	if msg, ok := fieldError(r, "lien-tableau-"+itoa(a.Voirie.ID)+"-confirmer"); !ok || !strings.Contains(msg, "Cochez la case") {
		t.Fatalf("unconfirmed: %q %s", msg, text(r))
	}
	if boardMails(t, a, a.Voirie.Email) != before {
		t.Fatal("a board link was sent without confirmation")
	}

	v := serviceForm(t, r, a.Voirie, "lien-tableau")
	v.Set("confirmer", "oui")
	r = admin.post(path, v)
	mustStatus(t, r, http.StatusSeeOther)
	done := admin.follow(r)
	mustContain(t, done, "Le lien du tableau de bord du service « voirie » est envoyé à "+a.Voirie.Email)
	m := mailTo(t, a.sendMail(), a.Voirie.Email)
	if !strings.Contains(m.Subject, "Tableau de bord du service voirie") {
		t.Fatalf("board mail: %q", m.Subject)
	}
	board := a.client().get(linkIn(t, m, "/service/tableau/"))
	mustStatus(t, board, http.StatusOK)
	mustContain(t, board, "À traiter (1)")

	// A deactivated service's board does not open: no link is offered, nor sent.
	mustStatus(t, admin.post("/gestion/admin/services/"+itoa(a.Urbanisme.ID)+"/desactiver", nil), http.StatusSeeOther)
	page = admin.get("/gestion/admin/services")
	if page.Doc.Find(`form[action$="/`+itoa(a.Urbanisme.ID)+`/lien-tableau"]`).Length() != 0 {
		t.Fatal("board link offered for a deactivated service")
	}
	r = admin.post("/gestion/admin/services/"+itoa(a.Urbanisme.ID)+"/lien-tableau", url.Values{"confirmer": {"oui"}})
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, admin.follow(r), "est désactivé")
	if boardMails(t, a, a.Urbanisme.Email) != 0 {
		t.Fatal("board link sent to a deactivated service")
	}
}

// TestAdminRevokesAServiceLinks: once confirmed, revoking a service's links
// closes its board and stops a demand link it holds from acting; the next
// transfer brings a working link.
func TestAdminRevokesAServiceLinks(t *testing.T) {
	a := newApp(t)
	d, link := transferred(t, a)
	boardURL, _, err := a.Notifier.BoardURL(a.Commune, a.Voirie)
	fixture.Must(t, err)
	svc := a.client()
	// The service has the demand open, ready to accept it.
	accept := actionValues(svc.get(link), "/acceptation")
	accept.Set("confirm", "1")
	before := stateOf(t, a, d)

	admin := a.signIn(a.Admin)
	page := admin.get("/gestion/admin/services")
	mustContain(t, page, "cesseront aussitôt de fonctionner")
	path := "/gestion/admin/services/" + itoa(a.Voirie.ID) + "/revoquer-liens"
	r := admin.post(path, serviceForm(t, page, a.Voirie, "revoquer-liens"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	if r.Doc.Find(`details.action--danger[open] input#revoquer-liens-`+itoa(a.Voirie.ID)+`-confirmer[aria-invalid="true"]`).Length() != 1 {
		t.Fatalf("unconfirmed revocation: box not flagged in an open form: %s", text(r))
	}
	mustStatus(t, svc.get(link), http.StatusOK) // nothing revoked yet

	v := serviceForm(t, r, a.Voirie, "revoquer-liens")
	v.Set("confirmer", "oui")
	r = admin.post(path, v)
	mustStatus(t, r, http.StatusSeeOther)
	done := admin.follow(r)
	mustContain(t, done, "Tous les liens du service « voirie » sont révoqués")
	mustContain(t, done, "ne fonctionnent plus")
	mustContain(t, done, "prochaine demande transmise")

	r = svc.post(link+"/acceptation", accept)
	if r.StatusCode != http.StatusGone || !strings.Contains(text(r), "Lien révoqué") {
		t.Fatalf("revoked link acting: %d %s", r.StatusCode, text(r))
	}
	if after := stateOf(t, a, d); after != before {
		t.Fatalf("a revoked link changed the demand: %+v, was %+v", after, before)
	}
	if r := svc.get(boardURL); r.StatusCode != http.StatusGone || !strings.Contains(text(r), "Lien révoqué") {
		t.Fatalf("revoked board: %d %s", r.StatusCode, text(r))
	}
	_, fresh := transferred(t, a)
	mustStatus(t, svc.get(fresh), http.StatusOK)
}

// TestServiceLinkActionsAreTheAdminsOfTheCommune: an agent who is not an
// admin, or an admin of another commune, can neither send a board link nor
// revoke links, and changes nothing trying.
func TestServiceLinkActionsAreTheAdminsOfTheCommune(t *testing.T) {
	a := newApp(t)
	other := fixture.NewWorld(t, a.DB)
	confirmed := url.Values{"confirmer": {"oui"}}
	epoch := func() int64 { return mustService(t, a, a.Voirie.ID).LinkEpoch }
	for _, tc := range []struct {
		name  string
		agent *models.Agent
		want  int
	}{
		{"accueil", a.Accueil, http.StatusForbidden},
		{"supervisor", a.Supervisor, http.StatusForbidden},
		{"admin of another commune", other.Admin, http.StatusNotFound},
	} {
		c := a.signIn(tc.agent)
		for _, slug := range []string{"lien-tableau", "revoquer-liens"} {
			r := c.post("/gestion/admin/services/"+itoa(a.Voirie.ID)+"/"+slug, confirmed)
			if r.StatusCode != tc.want {
				t.Errorf("%s %s: %d, want %d", tc.name, slug, r.StatusCode, tc.want)
			}
		}
	}
	if epoch() != 0 || boardMails(t, a, a.Voirie.Email) != 0 {
		t.Fatalf("refused agents changed something: epoch %d, %d board mails", epoch(), boardMails(t, a, a.Voirie.Email))
	}
}
