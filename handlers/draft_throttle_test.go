package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
)

// TestDraftStartThrottled: nobody can make the application e-mail an
// address, or anyone, without bound; the refusal says why in French and
// keeps what was typed.
func TestDraftStartThrottled(t *testing.T) {
	a := newApp(t)
	c := a.client()
	start := "/c/" + a.Commune.Slug + "/demarches/" + a.Procedure.Slug
	post := func(email string) *response {
		return c.post(start, url.Values{"email": {email}, "nom": {"Claude Dupont"}})
	}
	mailsTo := func(email string) int64 {
		n, err := a.DB.NewSelect().Model((*models.OutboxMail)(nil)).Where("recipient = ?", email).Count(context.Background())
		fixture.Must(t, err)
		return n
	}
	refused := func(r *response, says string) {
		t.Helper()
		msg, invalid := fieldError(r, "email")
		if r.StatusCode != http.StatusTooManyRequests || !invalid || !strings.Contains(msg, says) || !strings.Contains(msg, "réessayez dans une heure") {
			t.Errorf("want a refusal saying %q, got %d %q", says, r.StatusCode, msg)
		}
		if email, _ := r.Doc.Find("#email").Attr("value"); email == "" {
			t.Error("the address typed is lost")
		}
		if nom, _ := r.Doc.Find("#nom").Attr("value"); nom != "Claude Dupont" {
			t.Errorf("the name typed is lost: %q", nom)
		}
	}

	// Five drafts an hour for one address; the sixth is refused, unsent.
	victim := "victime@exemple.fr"
	for i := range 5 {
		if r := post(victim); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("start %d: %d %s", i+1, r.StatusCode, text(r))
		}
	}
	refused(post("Victime@Exemple.fr"), "pour cette adresse e-mail")
	if n := mailsTo(victim); n != 5 {
		t.Errorf("%d mails to %s, want 5", n, victim)
	}

	// Twenty an hour from one client, whatever the addresses.
	for i := range 15 {
		if r := post(fmt.Sprintf("personne%d@exemple.fr", i)); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("start from the same client %d: %d %s", i+6, r.StatusCode, text(r))
		}
	}
	refused(post("encore@exemple.fr"), "depuis votre connexion")
	if n := mailsTo("encore@exemple.fr"); n != 0 {
		t.Errorf("%d mails to a refused address", n)
	}
}

// TestDraftStartThrottleSharedAndKept: the count is the database's, so two
// processes share it and a restart does not reset it.
func TestDraftStartThrottleSharedAndKept(t *testing.T) {
	a := newApp(t)
	other := a.restarted()
	start := "/c/" + a.Commune.Slug + "/demarches/" + a.Procedure.Slug
	form := url.Values{"email": {"victime@exemple.fr"}, "nom": {"Claude Dupont"}}
	for i, app := range []*app{a, other, a, other, other} {
		if r := app.client().post(start, form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("start %d: %d %s", i+1, r.StatusCode, text(r))
		}
	}
	for _, app := range []*app{a, other, other.restarted()} {
		if r := app.client().post(start, form); r.StatusCode != http.StatusTooManyRequests {
			t.Errorf("sixth start on %s: %d, want %d", app.URL, r.StatusCode, http.StatusTooManyRequests)
		}
	}
}
