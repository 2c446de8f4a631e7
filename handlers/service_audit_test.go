package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/fixture"
	"guichet/links"
	"guichet/models"
	"guichet/workflow"
)

func linkOpenings(t *testing.T, a *app, d *models.Demand) []models.Event {
	t.Helper()
	evs, err := models.History(context.Background(), a.DB, d.CommuneID, d.ID, false)
	fixture.Must(t, err)
	var out []models.Event
	for _, ev := range evs {
		if ev.Kind == models.KindLinkOpened {
			out = append(out, ev)
		}
	}
	return out
}

// TestLinkScannerChangesNothing: a mail scanner following every link of
// every mail (text and HTML), then every link of the pages it lands on,
// changes nothing but the audit of openings.
func TestLinkScannerChangesNothing(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtTransferred)
	msgs := a.sendMail()
	before := stateOf(t, a, d)
	seen := map[string]bool{}
	var queue []string
	for _, m := range msgs {
		queue = append(queue, linkRe.FindAllString(m.Text, -1)...)
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(m.HTML))
		fixture.Must(t, err)
		doc.Find("a[href]").Each(func(_ int, s *goquery.Selection) { queue = append(queue, s.AttrOr("href", "")) })
	}
	scanner := a.client()
	serviceLinks := 0
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if seen[u] || !(strings.HasPrefix(u, a.URL) || strings.HasPrefix(u, "/")) {
			continue
		}
		seen[u] = true
		if strings.Contains(u, "/service/") {
			serviceLinks++
		}
		r := scanner.get(u)
		if r.StatusCode >= 500 {
			t.Fatalf("GET %s: %d", u, r.StatusCode)
		}
		if r.Doc != nil && strings.Contains(u, "/c/") {
			r.Doc.Find("main a[href]").Each(func(_ int, s *goquery.Selection) { queue = append(queue, s.AttrOr("href", "")) })
		}
	}
	if serviceLinks < 2 { // the service's link and its print view at least
		t.Fatalf("the scanner followed only %d service links: %v", serviceLinks, seen)
	}
	if after := stateOf(t, a, d); after != before {
		t.Fatalf("the scanner changed the demand: %+v -> %+v", before, after)
	}
	if n := len(linkOpenings(t, a, d)); n != 1 {
		t.Fatalf("%d openings recorded, want 1 (once an hour)", n)
	}
}

// TestLinkOpeningIsAudited: opening is recorded once an hour per
// assignment, as the service through its link, for the supervisor only.
func TestLinkOpeningIsAudited(t *testing.T) {
	a := newApp(t)
	d, link := transferred(t, a)
	c := a.client()
	c.get(link)
	c.get(link + "/impression")
	opens := linkOpenings(t, a, d)
	if len(opens) != 1 {
		t.Fatalf("%d openings, want 1", len(opens))
	}
	ev := opens[0]
	if ev.ActorKind != workflow.KindService || *ev.ActorID != a.Voirie.ID || ev.Channel != workflow.ChannelLink ||
		ev.Visibility != models.Internal || ev.Details["assignment_id"] != float64(*d.AssignmentID) {
		t.Fatalf("opening: %+v", ev)
	}
	a.Clock.Advance(61 * time.Minute)
	c.get(link + "/impression")
	if opens := linkOpenings(t, a, d); len(opens) != 2 || opens[1].Details["view"] != "print" {
		t.Fatalf("an hour later: %+v", opens)
	}
	public, err := models.History(context.Background(), a.DB, d.CommuneID, d.ID, true)
	fixture.Must(t, err)
	for _, ev := range public {
		if ev.Kind == models.KindLinkOpened {
			t.Fatal("the citizen sees link openings")
		}
	}
	if page := c.get(link); strings.Contains(text(page), "Lien du service ouvert") {
		t.Fatal("the service's own history shows the audit")
	}
}

// TestExpiredLinkSendsANewOneToTheServiceOnly: an expired link offers a new
// one, sent to the service's own address whatever is posted, once in 15
// minutes; the new link works.
func TestExpiredLinkSendsANewOneToTheServiceOnly(t *testing.T) {
	a := newApp(t)
	d, _ := transferred(t, a)
	tok, err := a.Links.Sign(links.Service, links.Claims{CommuneID: a.Commune.ID, DemandID: d.ID,
		ServiceID: a.Voirie.ID, AssignmentID: *d.AssignmentID}, -time.Hour)
	fixture.Must(t, err)
	expired := "/c/" + a.Commune.Slug + "/service/" + tok
	c := a.client()
	page := c.get(expired)
	action, _ := page.Doc.Find("main form").Attr("action")
	if page.StatusCode != http.StatusGone || action != expired+"/nouveau-lien" || !strings.Contains(text(page), a.Voirie.Email) {
		t.Fatalf("expired page: %d %q %s", page.StatusCode, action, text(page))
	}
	before := len(a.SMTP.Messages())
	r := c.post(action, url.Values{"email": {"intrus@exemple.fr"}, "to": {"intrus@exemple.fr"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(text(r), "Un nouveau lien vient d'être envoyé") {
		t.Fatalf("resend: %d %s", r.StatusCode, text(r))
	}
	msgs := a.sendMail()[before:]
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != a.Voirie.Email {
		t.Fatalf("sent %d mails: %+v", len(msgs), msgs)
	}
	fresh := linkIn(t, msgs[0], "/service/")
	if p := c.get(fresh); p.StatusCode != http.StatusOK || p.Doc.Find("form[action$='/acceptation']").Length() != 1 {
		t.Fatalf("new link: %d %s", p.StatusCode, text(p))
	}
	again := c.post(action, nil)
	if !strings.Contains(text(again), "déjà été envoyé") || len(a.sendMail()) != before+1 {
		t.Fatalf("second request: %s", text(again))
	}
	if ev := lastEvent(t, a, d); ev.Kind != models.KindLinkResent || ev.ActorKind != workflow.KindService {
		t.Fatalf("history: %+v", ev)
	}
}

// TestTwoPeopleOnOneLinkAtOnce: two people of the service confirm different
// actions at the same moment: exactly one wins, the other is told the
// demand changed meanwhile.
func TestTwoPeopleOnOneLinkAtOnce(t *testing.T) {
	a := newApp(t)
	for round := 0; round < 5; round++ {
		d, link := transferred(t, a)
		before := stateOf(t, a, d)
		forms := map[string]url.Values{}
		for _, slug := range []string{"acceptation", "renvoi"} {
			c := a.client()
			f := actionValues(c.get(link), "/"+slug)
			f.Set("renvoi-message", "Pas pour nous.")
			forms[slug] = actionValues(c.post(link+"/"+slug, f), "/"+slug)
			forms[slug].Set("confirm", "1")
		}
		var wg sync.WaitGroup
		res := map[string]*response{}
		var mu sync.Mutex
		for slug, f := range forms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := a.client().post(link+"/"+slug, f)
				mu.Lock()
				res[slug] = r
				mu.Unlock()
			}()
		}
		wg.Wait()
		won, lost := "", ""
		for slug, r := range res {
			switch {
			case r.StatusCode == http.StatusSeeOther:
				won += slug
			case r.StatusCode == http.StatusConflict && strings.Contains(text(r), "modifié entre-temps"):
				lost += slug
			default:
				t.Fatalf("%s: %d %s", slug, r.StatusCode, text(r))
			}
		}
		after := stateOf(t, a, d)
		want := map[string]string{"acceptation": workflow.Accepted, "renvoi": workflow.ReturnedToGuichet}[won]
		if won == "" || lost == "" || after.State != want || after.Version != before.Version+1 || after.Events != before.Events+1 {
			t.Fatalf("won %q lost %q: %+v -> %+v", won, lost, before, after)
		}
	}
}
