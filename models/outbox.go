package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Outbox mail statuses.
const (
	MailPending  = "pending"
	MailSent     = "sent"
	MailCaptured = "captured" // kept for the development mailbox instead of being sent
	MailFailed   = "failed"
)

// OutboxMail is an e-mail written in the transaction of the change that
// causes it, sent by the jobs worker after commit.
type OutboxMail struct {
	bun.BaseModel `bun:"table:outbox_mails"`

	ID             int64 `bun:",pk,autoincrement"`
	CommuneID      *int64
	DemandID       *int64
	Recipient      string `bun:",notnull"`
	Sender         string `bun:",notnull"` // the From; "" is the instance's MAIL_FROM
	Subject        string `bun:",notnull"`
	BodyText       string `bun:",notnull"`
	BodyHTML       string `bun:"body_html,notnull"`
	MessageID      string `bun:",notnull"`
	ThreadID       string `bun:",notnull"`
	ReplyTo        string `bun:",notnull"` // a conversation's signed address; "" for none
	ConversationID *int64
	ExperienceID   *int64 // a mail about an experience (its author's, its service's)
	// EscalationID names the escalation a mail is about (its notice, the
	// referent's confirmation and end), for anonymisation only.
	EscalationID  *int64
	Status        string    `bun:",notnull,default:'pending'"`
	Attempts      int       `bun:",notnull"`
	NextAttemptAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	LastError     string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	SentAt        *time.Time
	// BouncedAt: a delivery failure came back for it (Bounce: what it said).
	BouncedAt *time.Time
	Bounce    string `bun:",notnull"`
}

// RecentMails lists the newest outbox mails, all communes (development mailbox).
func RecentMails(ctx context.Context, db bun.IDB, limit int64) ([]OutboxMail, error) {
	var ms []OutboxMail
	err := db.NewSelect().Model(&ms).Order("id DESC").Limit(limit).Scan(ctx)
	return ms, err
}

// MailByID finds one outbox mail (development mailbox).
func MailByID(ctx context.Context, db bun.IDB, id int64) (*OutboxMail, error) {
	m := new(OutboxMail)
	err := db.NewSelect().Model(m).Where("id = ?", id).Scan(ctx)
	return m, notFound(err)
}

// CountMailsSince counts the mails about a demand with this subject queued since.
func CountMailsSince(ctx context.Context, db bun.IDB, communeID, demandID int64, subject string, since time.Time) (int64, error) {
	return db.NewSelect().Model((*OutboxMail)(nil)).
		Where("commune_id = ? AND demand_id = ? AND subject = ? AND created_at >= ?", communeID, demandID, subject, since).
		Count(ctx)
}

// MailBacklog is how many mails wait to be sent and when the oldest of them
// was written (zero when none waits), read through the pending mails'
// partial index: cheap enough for every metrics scrape.
func MailBacklog(ctx context.Context, db bun.IDB) (n int64, oldest time.Time, err error) {
	var row struct {
		N      int64
		Oldest *time.Time
	}
	err = db.NewRaw("SELECT count(*) AS n, min(created_at) AS oldest FROM outbox_mails WHERE status = ?", MailPending).Scan(ctx, &row)
	if row.Oldest != nil {
		oldest = *row.Oldest
	}
	return row.N, oldest, err
}

// Undelivered tells whether a mail to this address about a conversation
// (or a demand, byDemand) came back (a bounce).
func Undelivered(ctx context.Context, db bun.IDB, communeID, id int64, byDemand bool, to string) (bool, error) {
	about := "conversation_id"
	if byDemand {
		about = "demand_id"
	}
	return db.NewSelect().Model((*OutboxMail)(nil)).
		Where("commune_id = ? AND ? = ? AND lower(recipient) = lower(?) AND bounced_at IS NOT NULL", communeID, bun.Ident(about), id, to).Exists(ctx)
}
