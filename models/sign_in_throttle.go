package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

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
