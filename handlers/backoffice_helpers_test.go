package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
func mustStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, text(r))
	}
}

// mustContain fails the test unless the page's main text says want.
func mustContain(t *testing.T, r *response, want string) {
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
