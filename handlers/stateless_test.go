package handlers_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	application "guichet/app"
	"guichet/config"
	"guichet/files"
	"guichet/fixture"
	"guichet/testdb"
)

// beside is another server on a's database and clock, with cfg (its own
// data directory): a second machine behind the load balancer.
func (a *app) beside(cfg *config.Config) *app {
	a.t.Helper()
	cfg.SMTPURL, cfg.BaseURL = a.Config.SMTPURL, a.Config.BaseURL
	other, err := application.New(cfg, a.DB, a.App.Log, a.Clock.Clock())
	fixture.Must(a.t, err)
	hs := httptest.NewServer(other.Server.Handler())
	a.t.Cleanup(hs.Close)
	b := *a
	b.URL, b.Server, b.Config = hs.URL, other.Server, cfg
	return &b
}

// sameBrowser is c's cookies on server b: the load balancer sent the next
// request elsewhere.
func (c *client) sameBrowser(b *app) *client {
	other := b.client()
	from, _ := url.Parse(c.app.URL)
	to, _ := url.Parse(b.URL)
	other.hc.Jar.SetCookies(to, c.hc.Jar.Cookies(from))
	return other
}

// Two servers on one database, each with its own data directory, as on two
// machines, in development (keys generated) with FILE_STORE=postgres: an
// agent signed in on one is signed in on the other, a file uploaded through
// one is downloaded through the other, and a link one e-mailed opens on
// the other.
func TestTwoServersOnOneDatabaseShareSessionsFilesAndKeys(t *testing.T) {
	cfg := func() *config.Config {
		c := fixture.Config(t) // a data directory of its own
		c.LinkKeys, c.FileStore = nil, files.Postgres
		return c
	}
	a := newAppOn(t, testdb.New(t), cfg())
	b := a.beside(cfg())
	d := a.DemandAt(t, fixture.AtSubmitted)

	onA := a.signIn(a.Accueil)
	onB := onA.sameBrowser(b)
	page := onB.get("/gestion/demandes/" + itoa(d.ID))
	mustStatus(t, page, http.StatusOK)

	content := pdfFile(3_000_000) // three chunks
	r := onA.postFile("/gestion/demandes/"+itoa(d.ID)+"/pieces", nil, "fichier", "plan.pdf", content)
	mustStatus(t, r, http.StatusSeeOther)
	page = onB.follow(r)
	href := page.Doc.Find(`#pieces + .file-list a[download]`).AttrOr("href", "")
	if res, body := onB.download(href); res.StatusCode != http.StatusOK || !bytes.Equal(body, content) {
		t.Fatalf("download through the other server: %d, %d bytes of %d", res.StatusCode, len(body), len(content))
	}

	follow, err := a.Notifier.FollowURL(a.Commune, d)
	fixture.Must(t, err)
	u, err := url.Parse(follow)
	fixture.Must(t, err)
	if r := b.client().get(u.Path); r.StatusCode != http.StatusOK {
		t.Fatalf("a link signed by one server, opened on the other: %d %s", r.StatusCode, text(r))
	}
}
