package jobs_test

import (
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/fixture"
	"guichet/jobs"
	"guichet/mail"
	"guichet/mail/mailtest"
	"guichet/models"
	"guichet/notify"
	"guichet/testdb"
	"guichet/workflow"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// backoff is the test workers' wait before a retry.
const backoff = time.Minute

// newWorker is a worker on w's clock sending to srv, giving up after three
// attempts.
func newWorker(t *testing.T, w *fixture.World, srv *mailtest.Server) *jobs.Worker {
	sc, err := mail.ParseSMTPURL(srv.URL())
	fixture.Must(t, err)
	return &jobs.Worker{DB: w.DB, Sender: mail.NewSMTPSender(sc, "Mairie <guichet@mairie.test>"), Clock: w.Clock.Clock(),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxAttempts: 3,
		Backoff: func(int) time.Duration { return backoff }}
}

func outbox(t *testing.T, db *bun.DB, demandID int64) []models.OutboxMail {
	var ms []models.OutboxMail
	fixture.Must(t, db.NewSelect().Model(&ms).Where("demand_id = ?", demandID).Order("id").Scan(context.Background()))
	return ms
}

// TestMailArrivesAfterCommit: a transition's mail waits in the outbox, then
// crosses a real SMTP exchange with its French text, its follow link and the
// demand's thread headers.
func TestMailArrivesAfterCommit(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	srv := mailtest.Start(t)
	d := w.DemandAt(t, fixture.AtSubmitted)
	if got := srv.Messages(); len(got) != 0 {
		t.Fatalf("mail sent before the worker ran: %v", got)
	}
	n, err := newWorker(t, w, srv).RunOnce(context.Background())
	fixture.Must(t, err)
	msgs := srv.WaitFor(t, 1, 5*time.Second)
	m := msgs[0]
	if n != 1 || m.To[0] != d.CitizenEmail {
		t.Fatalf("sent %d mails, first to %v", n, m.To)
	}
	for _, want := range []string{d.Reference, "bien reçue"} {
		if !strings.Contains(m.Subject, want) {
			t.Errorf("subject %q lacks %q", m.Subject, want)
		}
	}
	for _, want := range []string{d.Reference, d.TrackingCode, w.Procedure.Title, "/suivi/", "Reçue le", w.Commune.Phone} {
		if !strings.Contains(m.Text, want) || !strings.Contains(html.UnescapeString(m.HTML), want) {
			t.Errorf("bodies lack %q:\n%s", want, m.Text)
		}
	}
	thread := "<demande-" + d.Reference + "@guichet.test>"
	if m.Header("References") != thread || m.Header("In-Reply-To") != thread {
		t.Errorf("thread headers %q / %q, want %s", m.Header("References"), m.Header("In-Reply-To"), thread)
	}
	if ob := outbox(t, db, d.ID); ob[0].Status != models.MailSent || ob[0].SentAt == nil {
		t.Errorf("outbox row %+v, want sent", ob[0])
	}
}

// failingNotifier writes the real mails to the outbox, then fails: the
// whole transition, mails included, must roll back.
type failingNotifier struct{ *notify.Notifier }

func (f failingNotifier) Notices(ctx context.Context, tx bun.Tx, ch workflow.Change) (workflow.Notices, error) {
	out, err := f.Notifier.Notices(ctx, tx, ch)
	if err != nil {
		return out, err
	}
	for _, m := range out.Mails {
		if err := jobs.Enqueue(ctx, tx, m, "guichet.test"); err != nil {
			return out, err
		}
	}
	return workflow.Notices{}, errors.New("boom after enqueue")
}

func TestNoMailForRolledBackTransition(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	srv := mailtest.Start(t)
	d := w.DemandAt(t, fixture.AtSubmitted)
	before := len(outbox(t, db, d.ID))
	broken := &workflow.Engine{DB: db, Notifier: failingNotifier{w.Notifier}}
	_, err := broken.Apply(context.Background(), d.ID, workflow.Accept, workflow.AgentActor(w.Accueil), workflow.Input{Version: d.Version})
	if err == nil {
		t.Fatal("the transition succeeded despite its failure")
	}
	if got := len(outbox(t, db, d.ID)); got != before {
		t.Fatalf("outbox grew from %d to %d for a rolled-back transition", before, got)
	}
	cur, err := models.DemandByID(context.Background(), db, w.Commune.ID, d.ID)
	fixture.Must(t, err)
	if cur.State != workflow.Submitted || cur.Version != d.Version {
		t.Fatalf("demand changed to %s v%d", cur.State, cur.Version)
	}
	_, err = newWorker(t, w, srv).RunOnce(context.Background())
	fixture.Must(t, err)
	for _, m := range srv.Messages() {
		if strings.Contains(m.Subject, "acceptée") {
			t.Fatalf("a mail was sent for the rolled-back acceptance: %q", m.Subject)
		}
	}
}

func TestMailArrivesAfterServerWasDown(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	srv := mailtest.Start(t)
	worker := newWorker(t, w, srv)
	ctx := context.Background()
	srv.SetDown(true)
	d := w.DemandAt(t, fixture.AtSubmitted)
	_, err := worker.RunOnce(ctx)
	fixture.Must(t, err)
	ob := outbox(t, db, d.ID)[0]
	if ob.Status != models.MailPending || ob.Attempts != 1 || !strings.Contains(ob.LastError, "421") {
		t.Fatalf("after a refusal: %+v, want pending, 1 attempt, the 421 kept", ob)
	}
	srv.SetDown(false)
	w.Clock.Advance(backoff - time.Second)
	if n, err := worker.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("retried %d mail(s) before its backoff ended (%v)", n, err)
	}
	w.Clock.Advance(time.Second)
	_, err = worker.RunOnce(ctx)
	fixture.Must(t, err)
	if got := srv.Messages(); len(got) != 1 || got[0].To[0] != d.CitizenEmail {
		t.Fatalf("after the server came back: %d messages", len(got))
	}
	if ob := outbox(t, db, d.ID)[0]; ob.Status != models.MailSent || ob.Attempts != 2 {
		t.Fatalf("outbox %+v, want sent at the second attempt", ob)
	}
}

func TestFailedMailIsVisible(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	srv := mailtest.Start(t)
	worker := newWorker(t, w, srv)
	ctx := context.Background()

	// A permanent refusal (550) stops at once.
	d := w.Draft(t, "inconnu@exemple.fr")
	srv.RejectRecipient(d.CitizenEmail)
	d = w.Apply(t, d, workflow.Submit, w.Citizen(d), workflow.Input{})
	_, err := worker.RunOnce(ctx)
	fixture.Must(t, err)
	if ob := outbox(t, db, d.ID)[0]; ob.Status != models.MailFailed || ob.Attempts != 1 || !strings.Contains(ob.LastError, "550") {
		t.Fatalf("permanent refusal: %+v", ob)
	}

	// A server down for good: failed after MaxAttempts.
	srv.SetDown(true)
	d2 := w.DemandAt(t, fixture.AtSubmitted)
	for i := 0; i < 10; i++ {
		_, err = worker.RunOnce(ctx)
		fixture.Must(t, err)
		w.Clock.Advance(backoff)
	}
	if ob := outbox(t, db, d2.ID)[0]; ob.Status != models.MailFailed || ob.Attempts != 3 {
		t.Fatalf("after repeated refusals: %+v, want failed after 3 attempts", ob)
	}
}

func TestCaptureKeepsMailForTheDevMailbox(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	d := w.DemandAt(t, fixture.AtSubmitted)
	worker := &jobs.Worker{DB: db, Clock: w.Clock.Clock(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	_, err := worker.RunOnce(context.Background())
	fixture.Must(t, err)
	if ob := outbox(t, db, d.ID)[0]; ob.Status != models.MailCaptured {
		t.Fatalf("without a sender: %+v, want captured", ob)
	}
}

func TestDefaultBackoffGrowsToAnHour(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	for i, w := range want {
		if got := jobs.DefaultBackoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := jobs.DefaultBackoff(30); got != time.Hour {
		t.Errorf("backoff(30) = %v, want 1h", got)
	}
}

// TestMailMarkedSentOnAcceptance: the outbox row says sent from the moment
// the SMTP server accepts the mail, before the session ends: a worker dying
// while it closes the session (here, while the server holds its answer to
// QUIT) leaves nothing to send again.
func TestMailMarkedSentOnAcceptance(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	srv := mailtest.Start(t)
	d := w.DemandAt(t, fixture.AtSubmitted)
	atQuit := make(chan string, 1)
	srv.Before("QUIT", func() {
		var status string
		if err := db.NewSelect().Model((*models.OutboxMail)(nil)).Column("status").Where("demand_id = ?", d.ID).Scan(context.Background(), &status); err != nil {
			status = err.Error()
		}
		atQuit <- status
	})
	_, err := newWorker(t, w, srv).RunOnce(context.Background())
	fixture.Must(t, err)
	if status := <-atQuit; status != models.MailSent {
		t.Fatalf("outbox row %q when the session ended, want %q: a crash then would send the mail twice", status, models.MailSent)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d deliveries, want 1", n)
	}
}

// TestMailResentWithItsMessageID: what remains of the window. A worker dying
// after the server accepted a mail but before it marked it (here, its
// database gone at that point) leaves it pending; once the lease ends, the
// mail goes again with the same Message-ID, which lets the receiver drop
// the duplicate.
func TestMailResentWithItsMessageID(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	srv := mailtest.Start(t)
	d := w.DemandAt(t, fixture.AtSubmitted)
	dying, err := models.Open(testdb.DSN(t, db))
	fixture.Must(t, err)
	srv.Before("DATA", func() { dying.Close() })
	first := newWorker(t, w, srv)
	first.DB = dying
	first.RunOnce(context.Background()) // fails once its database is closed
	ob := outbox(t, db, d.ID)[0]
	sent := srv.Messages()
	if ob.Status != models.MailPending || len(sent) != 1 || sent[0].Header("Message-ID") != "<"+ob.MessageID+">" {
		t.Fatalf("after the crash: row %s, %d deliveries; want pending, 1 with <%s>", ob.Status, len(sent), ob.MessageID)
	}

	srv.Reset()
	// Within its two-minute lease, the mail is left alone; then it goes again.
	w.Clock.Advance(2*time.Minute - time.Second)
	if n, err := newWorker(t, w, srv).RunOnce(context.Background()); err != nil || n != 0 {
		t.Fatalf("sent %d mail(s) within the lease (%v)", n, err)
	}
	w.Clock.Advance(time.Second)
	_, err = newWorker(t, w, srv).RunOnce(context.Background())
	fixture.Must(t, err)
	resent := srv.Messages()
	if len(resent) != 1 || resent[0].Header("Message-ID") != sent[0].Header("Message-ID") {
		t.Fatalf("resent %d mail(s), want 1 with %s: %+v", len(resent), sent[0].Header("Message-ID"), resent)
	}
	if ob := outbox(t, db, d.ID)[0]; ob.Status != models.MailSent || ob.Attempts != 2 {
		t.Fatalf("outbox %+v, want sent at the second attempt", ob)
	}
}
