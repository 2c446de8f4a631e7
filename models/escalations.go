package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Escalation statuses: open while level 2 holds it, then how it ended.
const (
	EscalationOpen     = "open"
	EscalationAnswered = "answered"
	EscalationReturned = "returned"
	EscalationRevoked  = "revoked"
)

// Escalation is a conversation or a demand handed to level 2 by a
// referent (see conversation.Escalate).
type Escalation struct {
	bun.BaseModel `bun:"table:escalations,alias:esc"`

	CommuneID      int64 `bun:",pk"`
	ID             int64 `bun:",pk,autoincrement"`
	ConversationID *int64
	DemandID       *int64
	ReferentID     int64     `bun:",notnull"`
	ReferentName   string    `bun:",notnull"`
	ServiceID      *int64    // a service of the commune; nil: an outside team
	Email          string    `bun:",notnull"`
	Label          string    `bun:",notnull"`
	Problem        string    `bun:",notnull"`
	Status         string    `bun:",notnull"`
	Note           string    `bun:",notnull"`
	CreatedAt      time.Time `bun:",notnull"`
	EndedAt        *time.Time
}

// InsertEscalation writes a new escalation; a second open one of the same
// conversation or demand breaks a unique index (ErrTaken).
func InsertEscalation(ctx context.Context, db bun.IDB, e *Escalation) error {
	_, err := db.NewInsert().Model(e).Returning("id").Exec(ctx)
	return uniqueViolation(err)
}

// EscalationByID finds an escalation of a commune.
func EscalationByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Escalation, error) {
	e := new(Escalation)
	err := db.NewSelect().Model(e).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return e, notFound(err)
}

// LockEscalation reads an escalation and locks it until the transaction ends.
func LockEscalation(ctx context.Context, tx bun.Tx, communeID, id int64) (*Escalation, error) {
	e := new(Escalation)
	err := tx.NewSelect().Model(e).Where("commune_id = ? AND id = ?", communeID, id).For("UPDATE").Scan(ctx)
	return e, notFound(err)
}

// EndEscalation writes how an escalation ended.
func EndEscalation(ctx context.Context, db bun.IDB, e *Escalation) error {
	_, err := db.NewUpdate().Model(e).Column("status", "note", "ended_at").WherePK().Exec(ctx)
	return err
}

// EscalationsOf lists the escalations of a conversation (column
// "conversation_id") or a demand ("demand_id"), the latest first.
func EscalationsOf(ctx context.Context, db bun.IDB, communeID int64, column string, id int64) ([]Escalation, error) {
	var es []Escalation
	err := db.NewSelect().Model(&es).Where("commune_id = ?", communeID).Where("? = ?", bun.Ident(column), id).
		Order("id DESC").Scan(ctx)
	return es, err
}
