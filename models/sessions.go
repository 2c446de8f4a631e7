package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Session is a signed-in agent's session, found by the hash of its cookie's token.
type Session struct {
	bun.BaseModel `bun:"table:agent_sessions"`

	ID         int64     `bun:",pk,autoincrement"`
	TokenHash  []byte    `bun:",notnull"`
	CommuneID  int64     `bun:",notnull"`
	AgentID    int64     `bun:",notnull"`
	CreatedAt  time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	LastSeenAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	ExpiresAt  time.Time `bun:",notnull"`
	RevokedAt  *time.Time
	IP         string `bun:"ip,notnull"`
	UserAgent  string `bun:",notnull"`
}

// CreateSession stores a new session; its CreatedAt and LastSeenAt are the
// caller's clock's now.
func CreateSession(ctx context.Context, db bun.IDB, s *Session) error {
	_, err := db.NewInsert().Model(s).Returning("id, created_at, last_seen_at").Exec(ctx)
	return err
}

// ActiveSession finds a live session of an active agent at now: not
// revoked, not expired, seen within idle. It returns the agent too.
func ActiveSession(ctx context.Context, db bun.IDB, tokenHash []byte, now time.Time, idle time.Duration) (*Session, *Agent, error) {
	s := new(Session)
	err := db.NewSelect().Model(s).
		Where("token_hash = ? AND revoked_at IS NULL AND expires_at > ?", tokenHash, now).
		Where("last_seen_at > ?", now.Add(-idle)).
		Scan(ctx)
	if err != nil {
		return nil, nil, notFound(err)
	}
	a, err := AgentByID(ctx, db, s.CommuneID, s.AgentID)
	if err != nil {
		return nil, nil, err
	}
	if !a.Active {
		return nil, nil, ErrNotFound
	}
	return s, a, nil
}

// TouchSession records that the session was used at now.
func TouchSession(ctx context.Context, db bun.IDB, id int64, now time.Time) error {
	_, err := db.NewUpdate().Model((*Session)(nil)).Set("last_seen_at = ?", now).Where("id = ?", id).Exec(ctx)
	return err
}

// RevokeSession ends one session.
func RevokeSession(ctx context.Context, db bun.IDB, tokenHash []byte) error {
	_, err := db.NewUpdate().Model((*Session)(nil)).Set("revoked_at = now()").
		Where("token_hash = ? AND revoked_at IS NULL", tokenHash).Exec(ctx)
	return err
}

// RevokeAgentSessions ends every session of an agent.
func RevokeAgentSessions(ctx context.Context, db bun.IDB, communeID, agentID int64) error {
	_, err := db.NewUpdate().Model((*Session)(nil)).Set("revoked_at = now()").
		Where("commune_id = ? AND agent_id = ? AND revoked_at IS NULL", communeID, agentID).Exec(ctx)
	return err
}

// PurgeSignIns deletes what sign-ins leave behind once it serves nothing:
// sessions ended (expired or revoked) before keepSessions ago, kept that
// long to tell who was signed in when; failure counts idle since before
// forget, and not locked; reset links issued before keepResets ago (their
// signed link expired long before). It returns how many rows went.
func PurgeSignIns(ctx context.Context, db bun.IDB, now time.Time, keepSessions, forget, keepResets time.Duration) (int, error) {
	n := 0
	for _, q := range []*bun.DeleteQuery{
		db.NewDelete().Table("agent_sessions").Where("least(expires_at, coalesce(revoked_at, expires_at)) < ?", now.Add(-keepSessions)),
		db.NewDelete().Table("login_throttles").Where("last_failure_at < ? AND coalesce(locked_until, '-infinity') < ?", now.Add(-forget), now),
		db.NewDelete().Table("password_resets").Where("created_at < ?", now.Add(-keepResets)),
	} {
		res, err := q.Exec(ctx)
		if err != nil {
			return n, err
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}
