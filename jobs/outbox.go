// Package jobs is Guichet's deferred and periodic work, in one Scheduler
// (scheduler.go): the mails of the transactional outbox, and the periodic
// jobs (reminders, archiving, purges). A mail is written in the same
// transaction as the change that causes it, so none is lost and none is
// sent for a change that rolled back; the worker sends it after commit,
// retrying with backoff, and marks it failed (visibly) when it finally
// cannot be delivered.
//
// Why an outbox table and not River (v0.51): a River job per mail, inserted
// in the transition's transaction, made workflow.Apply 18 to 34 % slower (its
// insert cannot join the transition's one batch), and River would bring its
// own schema, a second driver and pool, and delete finished jobs that the
// agents and the development mailbox read (docs/PERFORMANCE.md).
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"guichet/clock"
	"guichet/mail"
	"guichet/models"
)

// Enqueue writes a mail to the outbox, inside the caller's transaction.
func Enqueue(ctx context.Context, db bun.IDB, m *models.OutboxMail, host string) error {
	if m.MessageID == "" {
		m.MessageID = NewMessageID("mail", host)
	}
	m.Status = models.MailPending
	_, err := db.NewInsert().Model(m).Returning("id").Exec(ctx)
	return err
}

// NewMessageID makes a unique Message-ID (without angle brackets).
func NewMessageID(prefix, host string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return fmt.Sprintf("%s.%s@%s", prefix, hex.EncodeToString(b), host)
}

// Worker sends due outbox mails; the Scheduler runs it (MailJob).
type Worker struct {
	DB *bun.DB
	// Sender delivers mail; nil keeps every mail in the database for the
	// development mailbox (status captured) instead of sending it.
	Sender mail.Sender
	// Clock decides what is due, leases and backoff, and dates sent mails.
	Clock clock.Clock
	// MaxAttempts before a mail is marked failed.
	MaxAttempts int
	// Backoff is the wait before attempt n+1 after n failures.
	Backoff func(n int) time.Duration
	Log     *slog.Logger
	// Prepare, when set, runs before each look at the outbox: it turns
	// work that requests only queued (password reset requests) into mails.
	Prepare func(context.Context) error
}

// lease is how long a claimed mail stays invisible to other workers while
// it is being sent; a worker that dies mid-send lets it come back after that.
const lease = 2 * time.Minute

// DefaultBackoff doubles from 30 seconds up to one hour.
func DefaultBackoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

func (w *Worker) init() {
	if w.MaxAttempts == 0 {
		w.MaxAttempts = 8
	}
	if w.Backoff == nil {
		w.Backoff = DefaultBackoff
	}
	if w.Log == nil {
		w.Log = slog.Default()
	}
}

// RunOnce sends every mail due when it starts (not those it retries
// meanwhile) and returns how many it handled.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	w.init()
	if w.Prepare != nil {
		// Mail already in the outbox goes out even if this fails.
		if err := w.Prepare(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("outbox: preparing queued mail", "err", err)
		}
	}
	start := w.Clock.Now()
	n := 0
	for {
		batch, err := w.claim(ctx, start, 20)
		if err != nil || len(batch) == 0 {
			return n, err
		}
		for i := range batch {
			w.deliver(ctx, &batch[i])
			n++
		}
	}
}

// claim takes up to limit due mails, skipping those another worker holds,
// and leases them.
func (w *Worker) claim(ctx context.Context, dueBy time.Time, limit int) ([]models.OutboxMail, error) {
	var ms []models.OutboxMail
	err := w.DB.NewRaw(`
		UPDATE outbox_mails SET next_attempt_at = ?, attempts = attempts + 1
		WHERE id IN (
			SELECT id FROM outbox_mails
			WHERE status = 'pending' AND next_attempt_at <= ?
			ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
		RETURNING *`, w.Clock.Now().Add(lease), dueBy, limit).Scan(ctx, &ms)
	return ms, err
}

func (w *Worker) deliver(ctx context.Context, m *models.OutboxMail) {
	upd := w.DB.NewUpdate().Model(m).WherePK()
	if w.Sender == nil {
		m.Status, m.SentAt = models.MailCaptured, ptr(w.Clock.Now())
		w.save(ctx, upd.Column("status", "sent_at"))
		return
	}
	// The mail is marked sent the moment the server accepts it: a crash
	// before the mark makes it go again once its lease ends, with the same
	// Message-ID, the row's (delivery is at least once).
	accepted := func() {
		m.Status, m.SentAt, m.LastError = models.MailSent, ptr(w.Clock.Now()), ""
		w.save(ctx, upd.Column("status", "sent_at", "last_error"))
	}
	err := w.Sender.Send(ctx, mail.Message{
		From: m.Sender, To: m.Recipient, Subject: m.Subject, Text: m.BodyText, HTML: m.BodyHTML,
		MessageID: m.MessageID, ThreadID: m.ThreadID, ReplyTo: m.ReplyTo, Date: m.CreatedAt, Accepted: accepted,
	})
	switch {
	case err == nil:
		return // marked by accepted
	case mail.IsPermanent(err) || m.Attempts >= w.MaxAttempts:
		m.Status, m.LastError = models.MailFailed, err.Error()
		w.Log.Error("mail failed for good", "id", m.ID, "to", m.Recipient, "err", err)
	default:
		m.LastError = err.Error()
		m.NextAttemptAt = w.Clock.Now().Add(w.Backoff(m.Attempts))
		w.Log.Warn("mail will be retried", "id", m.ID, "attempt", m.Attempts, "err", err)
	}
	w.save(ctx, upd.Column("status", "last_error", "next_attempt_at"))
}

func (w *Worker) save(ctx context.Context, q *bun.UpdateQuery) {
	if _, err := q.Exec(context.WithoutCancel(ctx)); err != nil && !errors.Is(err, context.Canceled) {
		w.Log.Error("outbox update", "err", err)
	}
}

func ptr[T any](v T) *T { return &v }
