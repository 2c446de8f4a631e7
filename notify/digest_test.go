package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/app"
	"guichet/fixture"
	"guichet/mail/mailtest"
	"guichet/models"
	"guichet/notify"
	"guichet/perm"
	"guichet/testdb"
	"guichet/workflow"
)

var paris, _ = time.LoadLocation("Europe/Paris")

// at is a time in Paris in December 2026 (the 1st is a Tuesday).
func at(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, paris) }

// digestWorld is a commune whose mail goes over SMTP to srv, its clock on
// Tuesday 1 December 2026 at 6:00 in Paris.
type digestWorld struct {
	*fixture.World
	t   *testing.T
	srv *mailtest.Server
}

func newDigestWorld(t *testing.T) *digestWorld {
	t.Helper()
	srv := mailtest.Start(t)
	cfg := fixture.Config(t)
	cfg.SMTPURL = srv.URL()
	w := fixture.NewWorldOn(t, testdb.New(t), cfg)
	w.Clock.Set(at(1, 6, 0))
	return &digestWorld{World: w, t: t, srv: srv}
}

// agent adds an active accueil agent.
func (w *digestWorld) agent(name string) *models.Agent {
	w.t.Helper()
	return w.NewAgent(w.t, name, w.Profiles[perm.AccueilProfile])
}

// prefer saves an agent's preferences: every kind at f but those in per.
func (w *digestWorld) prefer(a *models.Agent, f notify.Frequency, per map[string]notify.Frequency, dailyHour, weeklyDay, weeklyHour int) {
	w.t.Helper()
	p := notify.Preferences{Frequency: map[string]notify.Frequency{}, DailyHour: dailyHour, WeeklyDay: weeklyDay, WeeklyHour: weeklyHour}
	for _, k := range notify.Kinds() {
		p.Frequency[k.Name] = f
		if g, ok := per[k.Name]; ok {
			p.Frequency[k.Name] = g
		}
	}
	fixture.Must(w.t, notify.SavePreferences(context.Background(), w.DB, w.Commune.ID, a.ID, p))
}

// runAt moves the clock to t, runs the jobs due, then delivers the mail they
// queued, and returns what the SMTP server received for to since before.
func (w *digestWorld) runAt(t time.Time, to string) []mailtest.Received {
	w.t.Helper()
	before := len(w.srv.Messages())
	w.Clock.Set(t)
	for name, r := range w.App.Jobs.RunDue(context.Background()) {
		if r.Err != nil {
			w.t.Fatalf("job %s: %v", name, r.Err)
		}
	}
	_, err := w.App.Worker.RunOnce(context.Background())
	fixture.Must(w.t, err)
	return to_(w.srv.Messages()[before:], to)
}

func to_(ms []mailtest.Received, to string) []mailtest.Received {
	var out []mailtest.Received
	for _, m := range ms {
		if slices.Contains(m.To, to) {
			out = append(out, m)
		}
	}
	return out
}

// listed are the references a digest's text lists, one per item.
func listed(t *testing.T, m mailtest.Received) []string {
	t.Helper()
	var refs []string
	for _, line := range strings.Split(m.Text, "\n") {
		if ref, ok := strings.CutPrefix(line, "- "); ok {
			refs = append(refs, strings.SplitN(ref, " — ", 2)[0])
		}
	}
	return refs
}

// One digest per agent at the hour each chose, not before, listing exactly
// the events of its window, grouped by kind with the demand's reference,
// procedure, what happened, when, and a link; nothing twice across days.
func TestDailyDigestAtTheChosenHour(t *testing.T) {
	w := newDigestWorld(t)
	ctx := context.Background()
	morning, evening := w.agent("matin"), w.agent("soir")
	w.prefer(morning, notify.Daily, nil, 9, 1, 9)
	w.prefer(evening, notify.Never, map[string]notify.Frequency{notify.KindNewDemand: notify.Daily}, 17, 1, 9)

	// Tuesday 10:00: a new demand, and another that a service returns.
	w.Clock.Set(at(1, 10, 0))
	d1 := w.DemandAt(t, fixture.AtSubmitted)
	w.Clock.Set(at(1, 11, 30))
	d2 := w.DemandAt(t, fixture.AtReturned)
	// The fixture's own accueil agent keeps the defaults: the return at once.
	if got := w.runAt(at(1, 11, 31), w.Accueil.Email); len(got) != 1 || !strings.Contains(got[0].Subject, "renvoyée à l'accueil") {
		t.Fatalf("default agent got %v, want the return at once", subjects(got))
	}
	for _, a := range []*models.Agent{morning, evening} {
		n, err := w.DB.NewSelect().Model((*models.OutboxMail)(nil)).Where("recipient = ?", a.Email).Count(ctx)
		fixture.Must(t, err)
		if n != 0 {
			t.Fatalf("%s got %d mails at once, wants digests", a.Name, n)
		}
	}

	if got := w.runAt(at(1, 16, 59), evening.Email); len(got) != 0 {
		t.Fatalf("evening digest before 17:00: %v", subjects(got))
	}
	got := w.runAt(at(1, 17, 0), evening.Email)
	if len(got) != 1 {
		t.Fatalf("evening agent got %d digests at 17:00, want 1", len(got))
	}
	if refs := listed(t, got[0]); !slices.Equal(refs, []string{d1.Reference, d2.Reference}) {
		t.Errorf("evening digest lists %v, want the two new demands %s, %s:\n%s", refs, d1.Reference, d2.Reference, got[0].Text)
	}
	if got[0].Subject != "Guichet — 2 événements depuis hier" {
		t.Errorf("subject %q", got[0].Subject)
	}

	if got := w.runAt(at(2, 8, 59), morning.Email); len(got) != 0 {
		t.Fatalf("morning digest before 9:00: %v", subjects(got))
	}
	got = w.runAt(at(2, 9, 0), morning.Email)
	if len(got) != 1 {
		t.Fatalf("morning agent got %d digests at 9:00, want 1", len(got))
	}
	m := got[0]
	if m.Subject != "Guichet — 3 événements depuis hier" {
		t.Errorf("subject %q", m.Subject)
	}
	if refs := listed(t, m); !slices.Equal(refs, []string{d1.Reference, d2.Reference, d2.Reference}) {
		t.Errorf("morning digest lists %v:\n%s", refs, m.Text)
	}
	for _, want := range []string{
		"Nouvelles demandes (2)", "Demandes renvoyées à l'accueil par un service (1)",
		"Signalement d'un dysfonctionnement", "Demande déposée par " + d1.CitizenEmail + ", le 01/12/2026 à 10:00",
		"Renvoyée à l'accueil par voirie, le 01/12/2026 à 11:30", "« Relève de l'urbanisme. »",
		fmt.Sprintf("/gestion/demandes/%d", d1.ID), fmt.Sprintf("/gestion/demandes/%d", d2.ID), "/gestion/profil",
		"jusqu'au 02/12/2026 à 09:00", w.Commune.Name,
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("digest text lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.HTML, fmt.Sprintf(`href="%s/gestion/demandes/%d"`, w.Notifier.BaseURL, d2.ID)) || !strings.Contains(m.HTML, "<h2") {
		t.Errorf("digest HTML lacks the headings or links:\n%s", m.HTML)
	}
	if strings.Index(m.Text, "Nouvelles demandes") > strings.Index(m.Text, "Demandes renvoyées") {
		t.Errorf("groups not in the kinds' order:\n%s", m.Text)
	}

	// Wednesday 10:00: a correction resubmitted; the next digests list it
	// alone, and nothing of Tuesday again.
	w.Clock.Set(at(2, 10, 0))
	d3 := w.DemandAt(t, fixture.AtCorrectionAccueil)
	d3 = w.Apply(t, d3, workflow.Resubmit, w.Citizen(d3), workflow.Input{})
	if got := w.runAt(at(2, 12, 0), morning.Email); len(got) != 0 {
		t.Fatalf("a second digest the same day: %v", subjects(got))
	}
	got = w.runAt(at(3, 9, 0), morning.Email)
	if len(got) != 1 || !slices.Equal(listed(t, got[0]), []string{d3.Reference, d3.Reference}) || !strings.Contains(got[0].Text, "Demandes corrigées par l'usager (1)") {
		t.Fatalf("Thursday's digest %v, want d3's submission and resubmission:\n%v", subjects(got), texts(got))
	}
	if got := w.runAt(at(4, 9, 0), morning.Email); len(got) != 0 {
		t.Fatalf("a digest with nothing in it was sent: %v", subjects(got))
	}
}

// A weekly digest goes on the chosen day at the chosen hour, not on the
// days before; an agent who wants a kind at once still gets it at once.
func TestWeeklyDigestOnTheChosenDay(t *testing.T) {
	w := newDigestWorld(t)
	a := w.agent("hebdo")
	// Weekly on Friday (5) at 14:00; returns at once.
	w.prefer(a, notify.Weekly, map[string]notify.Frequency{notify.KindReturned: notify.Immediate}, 8, 5, 14)
	w.Clock.Set(at(1, 10, 0))
	d := w.DemandAt(t, fixture.AtReturned)
	if got := w.runAt(at(1, 10, 1), a.Email); len(got) != 1 || !strings.Contains(got[0].Subject, "renvoyée à l'accueil") {
		t.Fatalf("the return at once: %v", subjects(got))
	}
	for day := 1; day <= 3; day++ {
		if got := w.runAt(at(day, 14, 0), a.Email); len(got) != 0 {
			t.Fatalf("weekly digest on %d December (not a Friday): %v", day, subjects(got))
		}
	}
	if got := w.runAt(at(4, 13, 59), a.Email); len(got) != 0 {
		t.Fatalf("weekly digest before 14:00: %v", subjects(got))
	}
	got := w.runAt(at(4, 14, 0), a.Email)
	if len(got) != 1 || got[0].Subject != "Guichet — 1 événement depuis vendredi dernier" || !slices.Equal(listed(t, got[0]), []string{d.Reference}) {
		t.Fatalf("Friday's digest %v, want the new demand alone:\n%v", subjects(got), texts(got))
	}
	if got := w.runAt(at(11, 14, 0), a.Email); len(got) != 0 {
		t.Fatalf("an empty weekly digest was sent: %v", subjects(got))
	}
}

// An agent who turned everything off gets nothing: no mail at once, no
// item waiting, no digest.
func TestNeverGetsNothing(t *testing.T) {
	w := newDigestWorld(t)
	ctx := context.Background()
	a := w.agent("silence")
	w.prefer(a, notify.Never, nil, 8, 1, 8)
	w.Clock.Set(at(1, 10, 0))
	d := w.DemandAt(t, fixture.AtReturned)
	c := w.DemandAt(t, fixture.AtCorrectionAccueil)
	w.Apply(t, c, workflow.Resubmit, w.Citizen(c), workflow.Input{})
	var got []mailtest.Received
	for day := 1; day <= 9; day++ {
		got = append(got, w.runAt(at(day, 23, 0), a.Email)...)
	}
	if len(got) != 0 {
		t.Fatalf("silent agent received %v", subjects(got))
	}
	n, err := w.DB.NewSelect().Model((*models.DigestItem)(nil)).Where("agent_id = ?", a.ID).Count(ctx)
	fixture.Must(t, err)
	if n != 0 {
		t.Errorf("%d digest items kept for a silent agent", n)
	}
	// The default agent was told at once of the return and the correction.
	var subj []string
	fixture.Must(t, w.DB.NewSelect().Model((*models.OutboxMail)(nil)).Column("subject").
		Where("recipient = ?", w.Accueil.Email).Order("id").Scan(ctx, &subj))
	if len(subj) != 2 || !strings.Contains(subj[0], d.Reference) || !strings.Contains(subj[1], c.Reference) {
		t.Errorf("default agent's mails %q", subj)
	}
}

// Two servers running the digest job at once send each agent one digest,
// listing each of their items once; every item is marked with it.
func TestConcurrentDigestRunsSendEachItemOnce(t *testing.T) {
	w := newDigestWorld(t)
	ctx := context.Background()
	var agents []*models.Agent
	for i := range 12 {
		a := w.agent(fmt.Sprintf("agent%d", i))
		w.prefer(a, notify.Daily, nil, 9, 1, 9)
		agents = append(agents, a)
	}
	w.Clock.Set(at(1, 10, 0))
	var refs []string
	for range 3 {
		d := w.DemandAt(t, fixture.AtReturned) // a submission and a return each
		refs = append(refs, d.Reference, d.Reference)
	}
	other, err := app.New(fixture.Config(t), w.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), w.Clock.Clock())
	fixture.Must(t, err)
	runs := []*notify.Digests{{DB: w.DB, Notifier: w.Notifier}, {DB: w.DB, Notifier: other.Notifier}}
	w.Clock.Set(at(2, 9, 0))
	start := make(chan struct{})
	var wg sync.WaitGroup
	sent := make([]int, len(runs))
	for i, r := range runs {
		wg.Go(func() {
			<-start
			n, err := r.RunOnce(ctx, w.Clock.Now())
			if err != nil {
				t.Errorf("run %d: %v", i, err)
			}
			sent[i] = n
		})
	}
	close(start)
	wg.Wait()
	if sent[0]+sent[1] != len(agents) {
		t.Errorf("runs sent %v digests, want %d in all", sent, len(agents))
	}
	_, err = w.App.Worker.RunOnce(ctx)
	fixture.Must(t, err)
	for _, a := range agents {
		got := to_(w.srv.Messages(), a.Email)
		if len(got) != 1 {
			t.Errorf("%s got %d digests, want 1", a.Name, len(got))
			continue
		}
		l := listed(t, got[0])
		slices.Sort(l)
		want := slices.Clone(refs)
		slices.Sort(want)
		if !slices.Equal(l, want) {
			t.Errorf("%s's digest lists %v, want %v", a.Name, l, want)
		}
	}
	pending, err := w.DB.NewSelect().Model((*models.DigestItem)(nil)).Where("digest_id IS NULL").Count(ctx)
	fixture.Must(t, err)
	if pending != 0 {
		t.Errorf("%d items left unsent", pending)
	}
}

func subjects(ms []mailtest.Received) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Subject)
	}
	return out
}

func texts(ms []mailtest.Received) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return strings.Join(out, "\n---\n")
}
