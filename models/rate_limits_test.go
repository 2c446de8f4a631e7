package models_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"guichet/models"
	"guichet/testdb"
)

// Requests racing for a key's last events: exactly the limit passes, and a
// request refused on one key uses none of the other's room.
func TestCountEventUnderConcurrency(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	shared := models.RateLimit{Key: "ip:192.0.2.1", Max: 5, Per: time.Hour}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		passed int
	)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			over, err := models.CountEvent(ctx, db, time.Now(), models.RateLimit{Key: "email:a@x.test", Max: 100, Per: time.Hour}, shared)
			if err != nil {
				t.Error(err)
				return
			}
			if over == nil {
				mu.Lock()
				passed++
				mu.Unlock()
			} else if over.Key != shared.Key {
				t.Errorf("refused on %q", over.Key)
			}
		}()
	}
	wg.Wait()
	if passed != shared.Max {
		t.Fatalf("%d events passed, want %d", passed, shared.Max)
	}
	var hits int
	if err := db.NewRaw("SELECT hits FROM rate_limits WHERE key = 'email:a@x.test'").Scan(ctx, &hits); err != nil || hits != shared.Max {
		t.Fatalf("the address counted %d events (%v), want only the %d that passed", hits, err, shared.Max)
	}
}

// A window that has ended starts afresh, and ended windows are forgotten.
func TestCountEventWindows(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	l := models.RateLimit{Key: "email:a@x.test", Max: 2, Per: time.Hour}
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	count := func(l models.RateLimit) bool {
		t.Helper()
		over, err := models.CountEvent(ctx, db, now, l)
		if err != nil {
			t.Fatal(err)
		}
		return over == nil
	}
	if !count(l) || !count(l) || count(l) {
		t.Fatal("want two events in the window, then a refusal")
	}
	stale := models.RateLimit{Key: "email:b@x.test", Max: 2, Per: time.Hour}
	count(stale)
	travel := func(d time.Duration) { now = now.Add(d) }
	travel(59 * time.Minute)
	if count(l) {
		t.Fatal("counted again before the hour ended")
	}
	travel(time.Minute)
	if !count(l) {
		t.Fatal("still refused once the hour ended")
	}
	var keys []string
	if err := db.NewRaw("SELECT key FROM rate_limits ORDER BY key").Scan(ctx, &keys); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != l.Key {
		t.Fatalf("counters kept: %v, want only %s's, in its new window", keys, l.Key)
	}
}
