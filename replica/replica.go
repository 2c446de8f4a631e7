// Package replica chooses where a page that only reads (a list, the
// indicators, an export) reads from: the streaming replica of
// DATABASE_REPLICA_URL when it is up, no further behind than MaxLag, and
// has replayed the last write of the person asking (read-your-writes);
// the primary otherwise.
package replica

import (
	"cmp"
	"context"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"guichet/clock"
	"guichet/metrics"
)

// DownFor is how long a replica that did not answer is left alone before
// it is asked again: meanwhile every read goes to the primary, without
// waiting for a connection that fails.
const DownFor = 10 * time.Second

// DefaultMaxLag is REPLICA_MAX_LAG's default: a replica further behind
// is not read from.
const DefaultMaxLag = 10 * time.Second

// askTimeout bounds the question to the replica: a replica that does not
// answer at once is taken for down.
const askTimeout = time.Second

// Reader sends reads to Replica or Primary.
type Reader struct {
	Primary *bun.DB
	Replica *bun.DB       // nil: none configured, every read on the primary
	MaxLag  time.Duration // 0: DefaultMaxLag
	Clock   clock.Clock
	Metrics *metrics.Metrics

	downUntil atomic.Int64 // Unix nanoseconds
}

// Status is what the replica answered.
type Status struct {
	InRecovery bool    // a standby, replaying the primary's WAL
	Lag        float64 // seconds behind the primary (0 when it replayed all it received)
	Replayed   bool    // it replayed past the position asked for
}

// For is the database a read-only page reads from; after is the primary's
// WAL position of the session's last write ("" for none): until the
// replica has replayed past it, the primary answers.
func (r *Reader) For(ctx context.Context, after string) *bun.DB {
	if r.Replica == nil {
		return r.Primary
	}
	db, why := r.Primary, "down"
	if now := r.Clock.Now(); now.UnixNano() >= r.downUntil.Load() {
		st, err := r.ask(ctx, after)
		switch {
		case err != nil || !st.InRecovery:
			r.downUntil.Store(now.Add(DownFor).UnixNano())
		case st.Lag > cmp.Or(r.MaxLag, DefaultMaxLag).Seconds():
			why = "behind"
		case !st.Replayed:
			why = "own_write"
		default:
			db, why = r.Replica, "replica"
		}
		if err == nil {
			r.Metrics.ReplicaLag(st.Lag)
		}
	}
	r.Metrics.Read(why)
	return db
}

func (r *Reader) ask(ctx context.Context, after string) (Status, error) {
	ctx, cancel := context.WithTimeout(ctx, askTimeout)
	defer cancel()
	var st Status
	err := r.Replica.NewRaw(`SELECT pg_is_in_recovery(),
		coalesce(CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
			ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END, 0)::float8,
		coalesce(pg_last_wal_replay_lsn() >= nullif(?, '')::pg_lsn, ? = '')`, after, after).Scan(ctx, &st.InRecovery, &st.Lag, &st.Replayed)
	return st, err
}

// WrittenAt is the primary's WAL position now: a write committed before
// is at or before it. It is the insert position, not the write position
// (pg_current_wal_lsn): with synchronous_commit off, a commit's record may
// still be in the WAL buffers, before the write position.
func WrittenAt(ctx context.Context, primary bun.IDB) (string, error) {
	var lsn string
	err := primary.NewRaw("SELECT pg_current_wal_insert_lsn()::text").Scan(ctx, &lsn)
	return lsn, err
}
