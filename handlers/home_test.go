package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
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
