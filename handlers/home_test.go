package handlers_test

import (
	"context"
	"github.com/uptrace/bun"
	"guichet/models"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/fixture"
)

func TestHomeListsCommunes(t *testing.T) {
	a := newApp(t)
	r := a.client().get("/")
	if r.StatusCode != http.StatusOK || !strings.Contains(text(r), a.Commune.Name) {
		t.Fatalf("home: %d %q", r.StatusCode, text(r))
	}
	if lang, _ := r.Doc.Find("html").Attr("lang"); lang != "fr" {
		t.Fatalf("lang=%q", lang)
	}
}

func TestUnknownPageIsAFrenchNotFound(t *testing.T) {
	r := newApp(t).client().get("/nulle-part")
	if r.StatusCode != http.StatusNotFound || !strings.Contains(text(r), "Page introuvable") {
		t.Fatalf("got %d %q", r.StatusCode, text(r))
	}
}

func TestCrossSitePostIsRefused(t *testing.T) {
	a := newApp(t)
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/", strings.NewReader(url.Values{"x": {"1"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST got %d, want 403", res.StatusCode)
	}
}

// TestPostFromAnotherSchemeIsRefused: a browser too old for Sec-Fetch-Site
// gives only Origin; an https page of the same host posting to the http site
// is another origin, and is refused in French.
func TestPostFromAnotherSchemeIsRefused(t *testing.T) {
	a := newApp(t)
	host := strings.TrimPrefix(a.URL, "http://")
	post := func(origin string) *response {
		req, err := http.NewRequest(http.MethodPost, a.URL+"/gestion/mot-de-passe-oublie", strings.NewReader(url.Values{"email": {"pas une adresse"}}.Encode()))
		fixture.Must(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		return a.client().do(req)
	}
	mustStatus(t, post("http://"+host), http.StatusUnprocessableEntity)
	r := post("https://" + host)
	mustStatus(t, r, http.StatusForbidden)
	mustContain(t, r, "Requête refusée")
}

// TestProductionAnswersAreForHTTPSOnly: in production every answer asks
// the browser to keep to HTTPS, and the flash cookie is sent over HTTPS
// only, as the session cookie is; development (plain http) sets neither.
func TestProductionAnswersAreForHTTPSOnly(t *testing.T) {
	a := newApp(t)
	reset := func() *response {
		r := a.client().post("/gestion/mot-de-passe-oublie", url.Values{"email": {"personne@exemple.fr"}})
		mustStatus(t, r, http.StatusSeeOther)
		return r
	}
	flash := func(r *response) string {
		for _, sc := range r.Header.Values("Set-Cookie") {
			if strings.HasPrefix(sc, "guichet_flash=") {
				return sc
			}
		}
		t.Fatalf("no flash cookie: %v", r.Header.Values("Set-Cookie"))
		return ""
	}
	r := reset()
	if sc := flash(r); strings.Contains(sc, "Secure") || r.Header.Get("Strict-Transport-Security") != "" {
		t.Fatalf("development: Set-Cookie %s, HSTS %q", sc, r.Header.Get("Strict-Transport-Security"))
	}
	a.Config.Env = "production"
	r = reset()
	if sc := flash(r); !strings.Contains(sc, "Secure") || !strings.Contains(sc, "HttpOnly") {
		t.Fatalf("production flash cookie: %s", sc)
	}
	if h := a.client().get("/").Header.Get("Strict-Transport-Security"); !strings.HasPrefix(h, "max-age=") {
		t.Fatalf("production HSTS: %q", h)
	}
}

func TestDevMailboxShowsCapturedMailWithLinks(t *testing.T) {
	a := newApp(t)
	a.Worker.Sender = nil // development: keep mail instead of sending it
	a.DemandAt(t, "submitted")
	a.sendMail()
	c := a.client()
	list := c.get("/dev/mail")
	link := list.Doc.Find("main table a").First()
	if !strings.Contains(link.Text(), "bien reçue") {
		t.Fatalf("mailbox: %q", text(list))
	}
	href, _ := link.Attr("href")
	mail := c.get(href)
	follow, ok := mail.Doc.Find("pre a[href*='/suivi/']").Attr("href")
	if !ok || !strings.HasPrefix(follow, a.URL+"/c/"+a.Commune.Slug+"/suivi/") {
		t.Fatalf("no clickable follow link in %q", text(mail))
	}
}

// A mail whose texts anonymisation erased is still listed with a name
// (no link without text for a screen reader).
func TestDevMailboxNamesErasedMail(t *testing.T) {
	a := newApp(t)
	a.Worker.Sender = nil
	d := a.DemandAt(t, "submitted")
	a.sendMail()
	fixture.Must(t, a.DB.RunInTx(t.Context(), nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := models.AnonymiseDemand(ctx, tx, a.Commune.ID, d.ID, a.Clock.Now(), &models.Erased{})
		return err
	}))
	c := a.client()
	list := c.get("/dev/mail")
	link := list.Doc.Find("main table a").First()
	if strings.TrimSpace(link.Text()) != "(objet effacé)" {
		t.Fatalf("an erased mail is listed as %q", link.Text())
	}
	href, _ := link.Attr("href")
	mustContain(t, c.get(href), "(objet effacé)")
}
