package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// TestServiceReminder: a demand waiting on a service for REMINDER_DAYS gets
// one reminder e-mail with a working link, then one per period, never one
// per run; a demand waiting less, or no longer with the service, gets none.
func TestServiceReminder(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	d, _ := transferred(t, a)
	decided := a.DemandAt(t, fixture.AtTransferred)
	a.Apply(t, decided, workflow.Accept, a.ServiceOn(decided, a.Voirie), workflow.Input{})
	a.Clock.Advance(8 * 24 * time.Hour)
	recent := a.DemandAt(t, fixture.AtTransferred)
	a.sendMail()
	before := len(a.SMTP.Messages())

	now := a.Clock.Now()
	run := func(at time.Time, want int) {
		t.Helper()
		a.Clock.Set(at)
		ran, ok := a.App.Jobs.RunDue(ctx)["service reminders sent"]
		fixture.Must(t, ran.Err)
		if !ok || ran.N != want {
			t.Fatalf("run at +%s: %d reminders (ran: %v), want %d", at.Sub(now).Round(time.Hour), ran.N, ok, want)
		}
	}
	run(now, 1)
	msgs := a.sendMail()[before:]
	if len(msgs) != 1 || msgs[0].To[0] != a.Voirie.Email || !strings.Contains(msgs[0].Subject, "Rappel : demande "+d.Reference+" en attente depuis 8 jours") {
		t.Fatalf("reminders sent: %+v", msgs)
	}
	if p := a.client().get(linkIn(t, msgs[0], "/service/")); p.StatusCode != http.StatusOK || p.Doc.Find("form[action$='/acceptation']").Length() != 1 {
		t.Fatalf("reminder link: %d %s", p.StatusCode, text(p))
	}
	if ev := lastEvent(t, a, d); ev.Kind != models.KindReminder || ev.ActorKind != workflow.KindSystem || ev.Visibility != models.Internal {
		t.Fatalf("history: %+v", ev)
	}

	run(now.Add(time.Hour), 0)                // the next hourly run: already reminded
	run(now.Add(6*24*time.Hour), 0)           // still within the period
	run(now.Add(7*24*time.Hour+time.Hour), 2) // a period later: again, and the recent one's first
	var subjects []string
	for _, m := range a.sendMail()[before:] {
		subjects = append(subjects, m.Subject)
	}
	if len(subjects) != 3 || !strings.Contains(subjects[1]+subjects[2], d.Reference+" en attente depuis 15 jours") ||
		!strings.Contains(subjects[1]+subjects[2], recent.Reference+" en attente depuis 7 jours") {
		t.Fatalf("reminders: %q", subjects)
	}
}
