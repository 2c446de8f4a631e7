package models_test

import (
	"context"
	"testing"
	"time"

	"guichet/fixture"
	"guichet/models"
	"guichet/testdb"
)

// Stale sign-in records go; live and recent ones stay.
func TestPurgeSignIns(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	w := fixture.NewWorld(t, db)
	now := time.Now()
	day := 24 * time.Hour
	exec := func(q string, args ...any) {
		t.Helper()
		_, err := db.ExecContext(ctx, q, args...)
		fixture.Must(t, err)
	}
	session := func(token string, expires time.Time, revoked any) {
		exec("INSERT INTO agent_sessions (token_hash, commune_id, agent_id, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)",
			[]byte(token), w.Commune.ID, w.Accueil.ID, expires, revoked)
	}
	session("live", now.Add(time.Hour), nil)
	session("ended-lately", now.Add(-2*day), nil)
	session("ended-long-ago", now.Add(-40*day), nil)
	session("revoked-long-ago", now.Add(-20*day), now.Add(-35*day))
	throttle := func(key string, last time.Time, locked any) {
		exec("INSERT INTO login_throttles (key, failures, last_failure_at, locked_until) VALUES (?, 3, ?, ?)", key, last, locked)
	}
	throttle("recent", now.Add(-10*time.Minute), nil)
	throttle("forgotten", now.Add(-2*time.Hour), nil)
	throttle("still-locked", now.Add(-2*time.Hour), now.Add(10*time.Minute))
	reset := func(nonce string, created time.Time) {
		exec("INSERT INTO password_resets (nonce, commune_id, agent_id, created_at) VALUES (?, ?, ?, ?)", nonce, w.Commune.ID, w.Accueil.ID, created)
	}
	reset("fresh", now.Add(-time.Hour))
	reset("old", now.Add(-10*day))

	n, err := models.PurgeSignIns(ctx, db, now, 30*day, time.Hour, 7*day)
	fixture.Must(t, err)
	if n != 4 {
		t.Errorf("%d rows deleted, want 4", n)
	}
	left := func(q string) []string {
		var out []string
		fixture.Must(t, db.NewRaw(q).Scan(ctx, &out))
		return out
	}
	for q, want := range map[string][]string{
		"SELECT convert_from(token_hash, 'UTF8') FROM agent_sessions ORDER BY 1": {"ended-lately", "live"},
		"SELECT key FROM login_throttles ORDER BY 1":                             {"recent", "still-locked"},
		"SELECT nonce FROM password_resets ORDER BY 1":                           {"fresh"},
	} {
		if got := left(q); len(got) != len(want) || got[0] != want[0] || got[len(got)-1] != want[len(want)-1] {
			t.Errorf("%s: %v left, want %v", q, got, want)
		}
	}
}
