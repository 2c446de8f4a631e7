package migrations_test

import (
	"context"
	"crypto/ed25519"
	"testing"

	"guichet/audit"
	"guichet/fixture"
	"guichet/migrations"
	"guichet/testdb"
)

// TestHistoryBeforeTheChainIsChained: entries written before the chain (no
// place, no hash) are chained by the migration in the order of their ids,
// each commune on its own (in format 1, then relinked in the next as the
// following migration does), and the chains verify and go on.
func TestHistoryBeforeTheChainIsChained(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	a, b := fixture.NewWorld(t, db), fixture.NewWorld(t, db)
	for _, w := range []*fixture.World{a, b, a} {
		w.DemandAt(t, fixture.AtReturned)
	}
	for _, q := range []string{
		"ALTER TABLE demand_events ALTER seq DROP NOT NULL, ALTER prev_hash DROP NOT NULL, ALTER hash DROP NOT NULL, ALTER content_hash DROP NOT NULL",
		"UPDATE demand_events SET seq = NULL, prev_hash = NULL, hash = NULL, content_hash = NULL",
		"DELETE FROM chain_heads",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	fixture.Must(t, migrations.ChainHistory(ctx, db))
	fixture.Must(t, migrations.RelinkHistory(ctx, db)) // no digest to sign: no key needed

	a.DemandAt(t, fixture.AtSubmitted) // the writer goes on from the head
	for _, w := range []*fixture.World{a, b} {
		var ids []int64
		fixture.Must(t, db.NewRaw("SELECT id FROM demand_events WHERE commune_id = ? ORDER BY seq", w.Commune.ID).Scan(ctx, &ids))
		for i := 1; i < len(ids); i++ {
			if ids[i] < ids[i-1] {
				t.Fatalf("commune %s: chained out of id order: %v", w.Commune.Slug, ids)
			}
		}
		r, err := audit.VerifyCommune(ctx, db, w.Commune, ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey))
		fixture.Must(t, err)
		if !r.OK() || r.Entries != int64(len(ids)) || r.Head.Seq != int64(len(ids)) {
			t.Fatalf("commune %s: %+v", w.Commune.Slug, r)
		}
	}
}
