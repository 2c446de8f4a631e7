package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"guichet/fixture"
	"guichet/links"
	"guichet/models"
	"guichet/workflow"
)

// tokenOf is the token part of a service link.
func tokenOf(link string) string { return link[strings.LastIndex(link, "/")+1:] }

func currentVersion(t *testing.T, a *app, d *models.Demand) string {
	t.Helper()
	return strconv.Itoa(stateOf(t, a, d).Version)
}

// TestServiceLinkRefusals: every way a link must not let anyone act gives
// a clear page and changes nothing.
func TestServiceLinkRefusals(t *testing.T) {
	a := newApp(t)
	other := fixture.NewWorld(t, a.DB)
	ctx := context.Background()
	oldKey := []byte("a-key-retired-since-a-key-retire")

	cases := []struct {
		name string
		// prepare returns the demand and the request: a path for a GET,
		// or a path and a form for a POST.
		prepare func(t *testing.T) (*models.Demand, string, url.Values)
		status  int
		says    string
	}{
		{"tampered token", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, link := transferred(t, a)
			tok := tokenOf(link)
			i := len(tok) / 2
			c := byte('A')
			if tok[i] == 'A' {
				c = 'B'
			}
			return d, strings.TrimSuffix(link, tok) + tok[:i] + string(c) + tok[i+1:], nil
		}, http.StatusForbidden, "Lien invalide"},
		{"token for another commune", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, link := transferred(t, a)
			return d, "/c/" + other.Commune.Slug + "/service/" + tokenOf(link), nil
		}, http.StatusForbidden, "Lien invalide"},
		{"token for another demand", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, _ := transferred(t, a)
			target, _ := transferred(t, a)
			tok, err := a.Links.Sign(links.Service, links.Claims{CommuneID: a.Commune.ID, DemandID: target.ID,
				ServiceID: a.Voirie.ID, AssignmentID: *d.AssignmentID}, time.Hour)
			fixture.Must(t, err)
			return target, "/c/" + a.Commune.Slug + "/service/" + tok + "/acceptation", url.Values{"version": {currentVersion(t, a, target)}, "confirm": {"1"}}
		}, http.StatusForbidden, "Lien invalide"},
		{"expired token", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, _ := transferred(t, a)
			tok, err := a.Links.Sign(links.Service, links.Claims{CommuneID: a.Commune.ID, DemandID: d.ID,
				ServiceID: a.Voirie.ID, AssignmentID: *d.AssignmentID}, -time.Minute)
			fixture.Must(t, err)
			return d, "/c/" + a.Commune.Slug + "/service/" + tok + "/acceptation", url.Values{"version": {currentVersion(t, a, d)}, "confirm": {"1"}}
		}, http.StatusGone, "Lien expiré"},
		{"revoked token", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, link := transferred(t, a)
			_, err := models.RevokeServiceLinks(ctx, a.DB, a.Commune.ID, a.Voirie.ID)
			fixture.Must(t, err)
			t.Cleanup(func() {
				_, err := a.DB.NewUpdate().Model((*models.Service)(nil)).Set("link_epoch = 0").Where("id = ?", a.Voirie.ID).Exec(ctx)
				fixture.Must(t, err)
			})
			return d, link + "/acceptation", url.Values{"version": {currentVersion(t, a, d)}, "confirm": {"1"}}
		}, http.StatusGone, "Lien révoqué"},
		{"token made with a retired key after its rotation period", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, _ := transferred(t, a)
			tok, err := links.New(oldKey, nil).Sign(links.Service, links.Claims{CommuneID: a.Commune.ID, DemandID: d.ID,
				ServiceID: a.Voirie.ID, AssignmentID: *d.AssignmentID}, 30*24*time.Hour)
			fixture.Must(t, err)
			rotated := links.NewRotating(links.Key{Secret: fixture.TestKey}, links.Key{Secret: oldKey, NotAfter: a.Clock.Now().Add(-time.Minute)})
			rotated.Clock = a.Clock.Clock()
			a.Server.Links = rotated
			t.Cleanup(func() { a.Server.Links = a.Links })
			return d, "/c/" + a.Commune.Slug + "/service/" + tok, nil
		}, http.StatusForbidden, "Lien invalide"},
		{"assignment ended by a decision: open", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, link := transferred(t, a)
			a.Apply(t, d, workflow.Refuse, a.ServiceOn(d, a.Voirie), workflow.Input{Message: "Hors compétence."})
			return d, link, nil
		}, http.StatusOK, "Votre service a refusé cette demande le"},
		{"assignment ended by a decision: act", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, link := transferred(t, a)
			a.Apply(t, d, workflow.Accept, a.ServiceOn(d, a.Voirie), workflow.Input{})
			return d, link + "/refus", url.Values{"version": {currentVersion(t, a, d)}, "refus-message": {"Trop tard"}, "confirm": {"1"}}
		}, http.StatusForbidden, "Ce lien ne permet plus d'agir"},
		{"assignment ended by a return", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, link := transferred(t, a)
			a.Apply(t, d, workflow.ReturnToGuichet, a.ServiceOn(d, a.Voirie), workflow.Input{Message: "Pas pour nous."})
			return d, link + "/acceptation", url.Values{"version": {currentVersion(t, a, d)}, "confirm": {"1"}}
		}, http.StatusForbidden, "Votre service a renvoyé cette demande à l'accueil le"},
		{"assignment ended by a re-transfer to the same service", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, link := transferred(t, a)
			d = a.Apply(t, d, workflow.ReturnToGuichet, a.ServiceOn(d, a.Voirie), workflow.Input{Message: "Pas pour nous."})
			a.Apply(t, d, workflow.Transfer, workflow.AgentActor(a.Accueil), workflow.Input{ServiceID: a.Voirie.ID})
			return d, link + "/acceptation", url.Values{"version": {currentVersion(t, a, d)}, "confirm": {"1"}}
		}, http.StatusForbidden, "un nouveau lien vous a été envoyé"},
		{"assignment ended by a re-transfer to another service", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, link := transferred(t, a)
			d = a.Apply(t, d, workflow.ReturnToGuichet, a.ServiceOn(d, a.Voirie), workflow.Input{Message: "Pas pour nous."})
			a.Apply(t, d, workflow.Transfer, workflow.AgentActor(a.Accueil), workflow.Input{ServiceID: a.Urbanisme.ID})
			return d, link, nil
		}, http.StatusOK, "Elle a été transmise au service urbanisme"},
		{"replay of an action already taken", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, link := transferred(t, a)
			form := url.Values{"version": {currentVersion(t, a, d)}, "renvoi-message": {"Pas pour nous."}, "confirm": {"1"}}
			if r := a.client().post(link+"/renvoi", form); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("first return: %d %s", r.StatusCode, text(r))
			}
			return d, link + "/renvoi", form
		}, http.StatusConflict, "modifié entre-temps"},
		{"action attempted with GET", func(t *testing.T) (*models.Demand, string, url.Values) {
			d, link := transferred(t, a)
			return d, link + "/acceptation?version=" + currentVersion(t, a, d) + "&confirm=1", nil
		}, http.StatusNotFound, "Page introuvable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, path, form := tc.prepare(t)
			a.sendMail()
			before := stateOf(t, a, d)
			c := a.client()
			var r *response
			if form == nil {
				r = c.get(path)
			} else {
				r = c.post(path, form)
			}
			if r.StatusCode != tc.status || !strings.Contains(text(r), tc.says) {
				t.Fatalf("got %d %q, want %d saying %q", r.StatusCode, text(r), tc.status, tc.says)
			}
			if r.Doc.Find("main form[action$='/acceptation'], main form[action$='/refus']").Length() != 0 {
				t.Fatal("the page still offers to act")
			}
			if after := stateOf(t, a, d); after != before {
				t.Fatalf("changed: %+v -> %+v", before, after)
			}
		})
	}
}

// TestRetiredKeyWorksDuringItsRotationPeriod is the other side of the
// refusal above: before its date, a retired key's links still open.
func TestRetiredKeyWorksDuringItsRotationPeriod(t *testing.T) {
	a := newApp(t)
	d, _ := transferred(t, a)
	rotated := links.NewRotating(links.Key{Secret: []byte("a-brand-new-key-a-brand-new-key-")},
		links.Key{Secret: fixture.TestKey, NotAfter: a.Clock.Now().Add(24 * time.Hour)})
	rotated.Clock = a.Clock.Clock()
	a.Server.Links = rotated
	tok, err := a.Links.Sign(links.Service, links.Claims{CommuneID: a.Commune.ID, DemandID: d.ID,
		ServiceID: a.Voirie.ID, AssignmentID: *d.AssignmentID}, time.Hour)
	fixture.Must(t, err)
	r := a.client().get("/c/" + a.Commune.Slug + "/service/" + tok)
	if r.StatusCode != http.StatusOK || r.Doc.Find("form[action$='/acceptation']").Length() != 1 {
		t.Fatalf("retired key within its period: %d %s", r.StatusCode, text(r))
	}
}
