package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Pending reply statuses.
const (
	ReplyWaiting  = "waiting"  // in "À valider"
	ReplyReturned = "returned" // back with its author, with a comment
)

// PendingReply is a reply held for validation (see conversation.Hold): it
// is no message, and nothing of it reaches the citizen until it is sent.
type PendingReply struct {
	bun.BaseModel `bun:"table:pending_replies,alias:pr"`

	CommuneID      int64     `bun:",pk"`
	ID             int64     `bun:",pk,autoincrement"`
	ConversationID int64     `bun:",notnull"`
	AuthorID       int64     `bun:",notnull"`
	AuthorName     string    `bun:",notnull"`
	Body           string    `bun:",notnull"`
	Status         string    `bun:",notnull"`
	Comment        string    `bun:",notnull"`
	ReturnedBy     string    `bun:",notnull"`
	Version        int       `bun:",notnull"`
	CreatedAt      time.Time `bun:",notnull"`
	UpdatedAt      time.Time `bun:",notnull"`
}

// InsertPendingReply writes a held reply.
func InsertPendingReply(ctx context.Context, db bun.IDB, r *PendingReply) error {
	_, err := db.NewInsert().Model(r).Returning("id").Exec(ctx)
	return err
}

// PendingReplies lists a conversation's held replies, oldest first.
func PendingReplies(ctx context.Context, db bun.IDB, communeID, conversationID int64) ([]PendingReply, error) {
	var rs []PendingReply
	err := db.NewSelect().Model(&rs).Where("commune_id = ? AND conversation_id = ?", communeID, conversationID).Order("created_at", "id").Scan(ctx)
	return rs, err
}

// LockPendingReply reads a held reply of a conversation and locks it.
func LockPendingReply(ctx context.Context, tx bun.Tx, communeID, conversationID, id int64) (*PendingReply, error) {
	r := new(PendingReply)
	err := tx.NewSelect().Model(r).Where("commune_id = ? AND conversation_id = ? AND id = ?", communeID, conversationID, id).For("UPDATE").Scan(ctx)
	return r, notFound(err)
}

// UpdatePendingReply writes a held reply's text, status and comment, its version raised.
func UpdatePendingReply(ctx context.Context, db bun.IDB, r *PendingReply) error {
	r.Version++
	_, err := db.NewUpdate().Model(r).Column("body", "status", "comment", "returned_by", "version", "updated_at").WherePK().Exec(ctx)
	return err
}

// DeletePendingReply removes a held reply once sent.
func DeletePendingReply(ctx context.Context, db bun.IDB, r *PendingReply) error {
	_, err := db.NewDelete().Model(r).WherePK().Exec(ctx)
	return err
}
