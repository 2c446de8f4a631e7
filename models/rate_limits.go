package models

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// RateLimit allows Max events on Key per window of Per, a window starting
// with the first event after the previous one ended.
type RateLimit struct {
	Key string
	Max int
	Per time.Duration
}

// errOverLimit rolls back the counting transaction.
var errOverLimit = errors.New("rate limit reached")

// sweepBatch bounds how many expired counters one event removes.
const sweepBatch = 100

// CountEvent counts one event on every limit's key when none of them has
// reached its maximum, and returns nil; otherwise it counts nothing and
// returns a limit reached. Each key's counter is incremented and read in
// one statement and stays locked until the transaction ends, so that two
// requests racing for a key's last event cannot both have it; keys are
// locked in one order, so that two requests never wait for each other.
// Windows are judged at now.
func CountEvent(ctx context.Context, db *bun.DB, now time.Time, limits ...RateLimit) (*RateLimit, error) {
	ordered := slices.Clone(limits)
	slices.SortFunc(ordered, func(a, b RateLimit) int { return strings.Compare(a.Key, b.Key) })
	var over *RateLimit
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for i, l := range ordered {
			var hits int
			err := tx.NewRaw(`
INSERT INTO rate_limits AS r (key, hits, expires_at) VALUES (?0, 1, ?1)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN r.expires_at <= ?2 THEN 1 ELSE r.hits + 1 END,
    expires_at = CASE WHEN r.expires_at <= ?2 THEN excluded.expires_at ELSE r.expires_at END
RETURNING hits`, l.Key, now.Add(l.Per), now).Scan(ctx, &hits)
			if err != nil {
				return err
			}
			if hits > l.Max {
				over = &ordered[i]
				return errOverLimit
			}
		}
		return nil
	})
	if over != nil {
		return over, nil
	}
	if err != nil {
		return nil, err
	}
	// Forget a few counters whose window has ended; one locked by a request
	// under way is left for the next event.
	_, err = db.NewRaw(`
DELETE FROM rate_limits WHERE key IN (
    SELECT key FROM rate_limits WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)`, now, sweepBatch).Exec(ctx)
	return nil, err
}
