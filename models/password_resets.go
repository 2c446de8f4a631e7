package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// PasswordReset is one issued password reset link.
type PasswordReset struct {
	bun.BaseModel `bun:"table:password_resets"`

	Nonce     string    `bun:",pk"`
	CommuneID int64     `bun:",notnull"`
	AgentID   int64     `bun:",notnull"`
	CreatedAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	UsedAt    *time.Time
}

// CreatePasswordReset records a reset link's nonce; its CreatedAt is the
// caller's clock's now.
func CreatePasswordReset(ctx context.Context, db bun.IDB, r *PasswordReset) error {
	_, err := db.NewInsert().Model(r).Returning("created_at").Exec(ctx)
	return err
}

// QueueResetRequest queues a request for a reset link to email.
func QueueResetRequest(ctx context.Context, db bun.IDB, email string) error {
	_, err := db.NewRaw("INSERT INTO reset_requests (email) VALUES (?)", email).Exec(ctx)
	return err
}

// TakeResetRequests removes up to limit queued reset requests, the oldest
// first, skipping those another worker holds, and returns their addresses.
// In the caller's transaction: a rollback puts them back.
func TakeResetRequests(ctx context.Context, tx bun.Tx, limit int) ([]string, error) {
	var emails []string
	err := tx.NewRaw(`
DELETE FROM reset_requests WHERE id IN (
    SELECT id FROM reset_requests ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
RETURNING email`, limit).Scan(ctx, &emails)
	return emails, err
}

// UnusedPasswordReset finds a reset nonce of an agent that has not been used.
func UnusedPasswordReset(ctx context.Context, db bun.IDB, communeID, agentID int64, nonce string) (*PasswordReset, error) {
	r := new(PasswordReset)
	err := db.NewSelect().Model(r).
		Where("nonce = ? AND commune_id = ? AND agent_id = ? AND used_at IS NULL", nonce, communeID, agentID).Scan(ctx)
	return r, notFound(err)
}

// UsePasswordReset marks the nonce, and every other unused reset of the same
// agent, used; it reports ErrNotFound if the nonce was already used, so that
// of two uses racing, one only succeeds.
func UsePasswordReset(ctx context.Context, db bun.IDB, communeID, agentID int64, nonce string) error {
	res, err := db.NewUpdate().Model((*PasswordReset)(nil)).Set("used_at = now()").
		Where("nonce = ? AND commune_id = ? AND agent_id = ? AND used_at IS NULL", nonce, communeID, agentID).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	_, err = db.NewUpdate().Model((*PasswordReset)(nil)).Set("used_at = now()").
		Where("commune_id = ? AND agent_id = ? AND used_at IS NULL", communeID, agentID).Exec(ctx)
	return err
}
