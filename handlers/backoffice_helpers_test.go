package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/fixture"
	"guichet/mail/mailtest"
	"guichet/models"
)

// signIn returns a browser signed in as the agent.
func (a *app) signIn(ag *models.Agent) *client {
	a.t.Helper()
	c := a.client()
	r := c.post("/gestion/connexion", url.Values{"email": {ag.Email}, "password": {fixture.Password}})
	if r.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("sign-in as %s: %d %s", ag.Email, r.StatusCode, text(r))
	}
	return c
}

// mustStatus fails the test unless the response has the status.
func mustStatus(t testing.TB, r *response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, text(r))
	}
}

// mustContain fails the test unless the page's main text says want.
func mustContain(t testing.TB, r *response, want string) {
	t.Helper()
	if !strings.Contains(text(r), want) {
		t.Fatalf("%s: %q not in %q", r.Request.URL.Path, want, text(r))
	}
}

// exec runs SQL on the app's database (time travel, checks).
func (a *app) exec(query string, args ...any) {
	a.t.Helper()
	_, err := a.DB.ExecContext(context.Background(), query, args...)
	fixture.Must(a.t, err)
}

// mailsTo returns the received mails whose recipients include addr.
func mailsTo(ms []mailtest.Received, addr string) []mailtest.Received {
	var out []mailtest.Received
	for _, m := range ms {
		for _, r := range m.To {
			if strings.EqualFold(r, addr) {
				out = append(out, m)
			}
		}
	}
	return out
}

// seedDemands inserts n demands of the world's commune in one statement,
// received one minute apart from start on (drafts: created then), named
// "Usager <i>", with data mentioning the given words.
func seedDemands(tb testing.TB, w *fixture.World, n int, state string, start time.Time, words string) {
	tb.Helper()
	submitted := "NULL"
	if state != "draft" {
		submitted = "?2::timestamptz + i * interval '1 minute'"
	}
	_, err := w.DB.ExecContext(context.Background(), `
INSERT INTO demands (commune_id, procedure_id, procedure_version, reference, tracking_code, state, citizen_email, citizen_name, data,
                     submitted_at, created_at, updated_at)
SELECT ?0, ?1, 1, 'S' || ?0 || '-' || ?3 || '-' || i, 'T' || ?0 || ?3 || i, ?3, 'usager' || i || '@exemple.fr', 'Usager ' || i,
       jsonb_build_object('nom', 'Usager ' || i, 'description', ?4::text || ' numéro ' || i),
       `+submitted+`, ?2::timestamptz + i * interval '1 minute', ?2::timestamptz + i * interval '1 minute'
FROM generate_series(1, ?5) AS i`, w.Commune.ID, w.Procedure.ID, start, state, words, n)
	fixture.Must(tb, err)
}

// rowRefs lists the references of a list page, in order.
func rowRefs(r *response) []string {
	var refs []string
	r.Doc.Find("table.demand-table tbody tr td:first-child a").Each(func(_ int, s *goquery.Selection) {
		refs = append(refs, s.Text())
	})
	return refs
}
