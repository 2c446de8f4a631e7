package models

import (
	"context"

	"github.com/uptrace/bun"
)

// ReplicaLag is how far a streaming replica's replay is behind the primary.
type ReplicaLag struct {
	Name    string  // its application_name
	Seconds float64 // pg_stat_replication.replay_lag
}

// ReplicaLags lists the replicas streaming from this server with their
// replay lag, as the primary sees them: none without a replica, and none
// whose lag the database role may not read (it needs pg_monitor).
func ReplicaLags(ctx context.Context, db bun.IDB) ([]ReplicaLag, error) {
	var out []ReplicaLag
	err := db.NewRaw(`SELECT application_name AS name, coalesce(extract(epoch FROM replay_lag), 0)::float8 AS seconds
		FROM pg_stat_replication WHERE state = 'streaming' AND replay_lsn IS NOT NULL ORDER BY application_name`).Scan(ctx, &out)
	return out, err
}
