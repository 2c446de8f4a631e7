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

// ThrottleState is what is known of a sign-in key's failures.
type ThrottleState struct {
	Failures    int
	LockedUntil *time.Time
}

// LockedUntil returns the latest lock among keys still running at now, or nil.
func LockedUntil(ctx context.Context, db bun.IDB, keys []string, now time.Time) (*time.Time, error) {
	var until []time.Time
	err := db.NewSelect().Table("login_throttles").Column("locked_until").
		Where("key IN (?) AND locked_until > ?", bun.In(keys), now).
		OrderExpr("locked_until DESC").Limit(1).Scan(ctx, &until)
	if err != nil || len(until) == 0 {
		return nil, err
	}
	return &until[0], nil
}

// ThrottlePolicy says how failures on one key are counted and punished.
type ThrottlePolicy struct {
	Limit  int           // failures allowed before the first lock
	Base   time.Duration // first lock; each further failure doubles it
	Max    time.Duration // longest lock
	Forget time.Duration // failures older than this are forgotten
}

// RecordFailure counts one failed sign-in on key at now (the count restarts
// after the policy's quiet period) and, from the policy's limit on, locks
// the key for base·2^(failures-limit), capped.
func RecordFailure(ctx context.Context, db bun.IDB, key string, p ThrottlePolicy, now time.Time) (ThrottleState, error) {
	var st ThrottleState
	err := db.NewRaw(`
INSERT INTO login_throttles AS t (key, failures, last_failure_at) VALUES (?0, 1, ?1)
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN t.last_failure_at < ?2 THEN 1 ELSE t.failures + 1 END,
    last_failure_at = ?1
RETURNING failures, locked_until`, key, now, now.Add(-p.Forget)).Scan(ctx, &st.Failures, &st.LockedUntil)
	if err != nil || st.Failures < p.Limit {
		return st, err
	}
	lock := p.Base << min(st.Failures-p.Limit, 20)
	lock = min(lock, p.Max)
	err = db.NewRaw("UPDATE login_throttles SET locked_until = ? WHERE key = ? RETURNING locked_until",
		now.Add(lock), key).Scan(ctx, &st.LockedUntil)
	return st, err
}

// ClearThrottle forgets a key's failures (after a successful sign-in or reset).
func ClearThrottle(ctx context.Context, db bun.IDB, key string) error {
	_, err := db.NewDelete().Table("login_throttles").Where("key = ?", key).Exec(ctx)
	return err
}

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

// SetAgentPassword stores an agent's new password hash.
func SetAgentPassword(ctx context.Context, db bun.IDB, communeID, agentID int64, hash string) error {
	_, err := db.NewUpdate().Model((*Agent)(nil)).Set("password_hash = ?", hash).
		Where("commune_id = ? AND id = ?", communeID, agentID).Exec(ctx)
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
