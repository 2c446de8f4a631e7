package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"guichet/workflow"
)

func TestServiceAccepts(t *testing.T) {
	a := newApp(t)
	d, link := transferred(t, a)
	c := a.client()
	r := c.act(link, "acceptation", map[string][]string{"person": {"Jeanne Martin"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", r.StatusCode, text(r))
	}
	page := c.follow(r)
	t.Log(text(page))
	if got := stateOf(t, a, d); got.State != workflow.Accepted {
		t.Fatalf("state %s", got.State)
	}
	m := mailTo(t, a.sendMail(), d.CitizenEmail)
	if !strings.Contains(m.Subject, "acceptée") {
		t.Fatalf("citizen mail %q", m.Subject)
	}
}
