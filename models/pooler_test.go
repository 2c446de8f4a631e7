package models_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"guichet/fixture"
	"guichet/testdb"
)

// Behind PgBouncer in transaction pooling mode (the cluster's), queries
// and transactions running throughout an online restart (pgbouncer -R,
// scripts/cluster.sh restart-pgbouncer) all succeed, at most on the one
// retry a person would make (PgBouncer 1.18 may drop a connection in its
// handover, "suspend_timeout" or "unknown pkt", seldom and under load), and
// every commit is kept. After a crash (PgBouncer killed, started again), every connection
// in the pool is dead: the next statement and transaction still succeed,
// on fresh connections, without a retry of our own.
func TestThroughPgBouncerRestartedOnlineAndAfterACrash(t *testing.T) {
	ctx := context.Background()
	bouncer := testdb.PgBouncer(t, 4)
	db := bouncer.Open(t)
	_, err := db.ExecContext(ctx, "CREATE TABLE commits (n int)")
	fixture.Must(t, err)

	var committed, retried atomic.Int64
	work := func() error { // a statement, then a transaction
		var one int
		if err := db.NewRaw("SELECT 1").Scan(ctx, &one); err != nil {
			return err
		}
		err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO commits VALUES (1)")
			return err
		})
		if err == nil {
			committed.Add(1)
		}
		return err
	}

	stop := make(chan struct{})
	progress := make(chan struct{}, 64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []error
	for range 6 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := work(); err != nil {
					retried.Add(1)
					if err := work(); err != nil {
						mu.Lock()
						failures = append(failures, err)
						mu.Unlock()
					}
				}
				select {
				case progress <- struct{}{}:
				default:
				}
			}
		})
	}
	await := func(n int) {
		for range n {
			<-progress
		}
	}
	await(30) // under way
	fixture.Must(t, bouncer.RestartOnline(ctx))
	await(30) // and carrying on through the new process
	close(stop)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d failures through the online restart after a retry, the first: %v", len(failures), failures[0])
	}
	t.Logf("%d of the works retried once", retried.Load())
	var kept int64
	fixture.Must(t, db.NewRaw("SELECT count(*) FROM commits").Scan(ctx, &kept))
	if kept != committed.Load() {
		t.Fatalf("%d commits kept of %d", kept, committed.Load())
	}

	fixture.Must(t, bouncer.Crash(ctx))
	for i := range 3 {
		if err := work(); err != nil {
			t.Fatalf("after the crash, try %d: %v", i+1, err)
		}
	}
}
