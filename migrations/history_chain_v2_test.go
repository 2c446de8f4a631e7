package migrations_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/audit"
	"guichet/fixture"
	"guichet/migrations"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

// inFormat1 is a world whose chain was written in format 1, as the
// previous version wrote it: a transfer with a message to the service (a
// detail format 1 hashed as any other), a demand anonymised then (its
// message erased, the transfer's message left), and a digest signed.
func inFormat1(t *testing.T, db *bun.DB) (*fixture.World, ed25519.PrivateKey) {
	t.Helper()
	ctx := context.Background()
	w := fixture.NewWorld(t, db)
	acc := workflow.AgentActor(w.Accueil)
	for _, msg := range []string{"M. Dupont, 12 rue de l'Église.", "Mme Martin, 06 12 34 56 78."} {
		d := w.DemandAt(t, fixture.AtSubmitted)
		w.Apply(t, d, workflow.Transfer, acc, workflow.Input{ServiceID: w.Voirie.ID, Message: msg})
	}
	w.App.Jobs.RunDue(ctx)
	key, err := w.App.Config.AuditKey()
	fixture.Must(t, err)
	fixture.Must(t, db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		type link struct{ prev, hash, content []byte }
		links := map[int64]link{}
		prev := models.ZeroHash
		err := models.ChainEntries(ctx, tx, w.Commune.ID, func(e *models.Event) error {
			e.ContentHash = nil
			h := models.Link(prev, models.ChainV1.EntryDigest(e))
			links[e.ID], prev = link{prev, h, e.ContentHash}, h
			return nil
		})
		if err != nil {
			return err
		}
		bySeq := map[int64][]byte{}
		for id, l := range links {
			var seq int64
			if err := tx.NewRaw("UPDATE demand_events SET prev_hash = ?, hash = ?, content_hash = ? WHERE id = ? RETURNING seq", l.prev, l.hash, l.content, id).Scan(ctx, &seq); err != nil {
				return err
			}
			bySeq[seq] = l.hash
		}
		if _, err := tx.ExecContext(ctx, "UPDATE chain_heads SET hash = ?, prev_hash = (SELECT prev_hash FROM demand_events WHERE commune_id = ? AND hash = ?) WHERE commune_id = ?",
			prev, w.Commune.ID, prev, w.Commune.ID); err != nil {
			return err
		}
		seals, err := models.Seals(ctx, tx, w.Commune.ID)
		if err != nil || len(seals) != 1 {
			return fmt.Errorf("%d seals, %v", len(seals), err)
		}
		s := seals[0]
		s.Hash = bySeq[s.Seq]
		s.Signature = ed25519.Sign(key, audit.SealMessage(s))
		if _, err := tx.NewUpdate().Model(&s).Column("hash", "signature").WherePK().Exec(ctx); err != nil {
			return err
		}
		// Format 1's anonymisation: the message and the changes went, the
		// transfer's message to the service stayed.
		_, err = tx.ExecContext(ctx, "UPDATE demand_events SET message = '', actor_name = CASE WHEN actor_kind = 'citizen' THEN '' ELSE actor_name END, text_erased = true, details = details - 'changes' WHERE commune_id = ? AND demand_id = (SELECT min(demand_id) FROM demand_events WHERE commune_id = ?)",
			w.Commune.ID, w.Commune.ID)
		return err
	}))
	if r := verifyIn(t, db, w, models.ChainV1, key); !r.OK() || r.Seals != 1 {
		t.Fatalf("the chain written in format 1 does not verify in it: %+v", r)
	}
	if r := verifyIn(t, db, w, models.Chain, key); r.OK() {
		t.Fatal("the chain written in format 1 verifies in the new format: the test proves nothing")
	}
	return w, key
}

func verifyIn(t *testing.T, db *bun.DB, w *fixture.World, f models.ChainFormat, key ed25519.PrivateKey) audit.Result {
	t.Helper()
	var r audit.Result
	fixture.Must(t, db.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		r, err = audit.VerifyIn(ctx, tx, w.Commune, f, key.Public().(ed25519.PublicKey), nil)
		return err
	}))
	return r
}

// TestChainInFormat1IsRelinked: the migration relinks every commune's chain
// written in format 1 in the new one: it verifies (its signed digest signed
// again), the entry anonymised before loses the transfer's message, the old
// and new heads are kept, and the writer goes on.
func TestChainInFormat1IsRelinked(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	a, key := inFormat1(t, db)
	b, _ := inFormat1(t, db)
	var oldHeads []models.ChainHead
	fixture.Must(t, db.NewSelect().Model(&oldHeads).Order("commune_id").Scan(ctx))

	fixture.Must(t, migrations.RelinkHistory(migrations.WithAuditKey(ctx, key), db))

	for i, w := range []*fixture.World{a, b} {
		r := verifyIn(t, db, w, models.Chain, key)
		if !r.OK() || r.Seals != 1 || r.Entries != oldHeads[i].Seq {
			t.Fatalf("commune %s after relinking: %+v", w.Commune.Slug, r)
		}
		var left int
		fixture.Must(t, db.NewRaw("SELECT count(*) FROM demand_events WHERE commune_id = ? AND text_erased AND details ? 'service_message'", w.Commune.ID).Scan(ctx, &left))
		var relink struct {
			FromVersion, ToVersion string
			Seq                    int64
			OldHash, NewHash       []byte
			Seals                  int
		}
		fixture.Must(t, db.NewRaw("SELECT from_version, to_version, seq, old_hash, new_hash, seals FROM chain_relinks WHERE commune_id = ?", w.Commune.ID).Scan(ctx, &relink))
		if left != 0 || relink.FromVersion != models.ChainV1.Version || relink.ToVersion != models.Chain.Version || relink.Seq != oldHeads[i].Seq ||
			!models.SameHash(relink.OldHash, oldHeads[i].Hash) || !models.SameHash(relink.NewHash, r.Head.Hash) || relink.Seals != 1 {
			t.Fatalf("commune %s: %d erased entries keep the message to the service; relink %+v", w.Commune.Slug, left, relink)
		}
	}
	a.DemandAt(t, fixture.AtSubmitted)
	a.Clock.Advance(24 * time.Hour)
	a.App.Jobs.RunDue(ctx)
	if r := verifyIn(t, db, a, models.Chain, key); !r.OK() || r.Seals != 2 {
		t.Fatalf("after relinking, a new entry and a new day's digest: %+v", r)
	}
}

// TestTamperedFormat1ChainIsNotRelinked: a chain altered in format 1 fails
// the migration, naming the commune and the entry, and nothing is relinked
// (the other commune's chain neither): new hashes never vouch for it.
func TestTamperedFormat1ChainIsNotRelinked(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	a, key := inFormat1(t, db)
	b, _ := inFormat1(t, db)
	var e models.Event
	fixture.Must(t, db.NewSelect().Model(&e).Where("commune_id = ? AND kind = 'transfer' AND NOT text_erased", b.Commune.ID).Scan(ctx))
	if _, err := db.ExecContext(ctx, `UPDATE demand_events SET details = jsonb_set(details, '{service_message}', '"Rien à signaler."') WHERE id = ?`, e.ID); err != nil {
		t.Fatal(err)
	}

	err := migrations.RelinkHistory(migrations.WithAuditKey(ctx, key), db)
	if err == nil || !strings.Contains(err.Error(), "commune "+b.Commune.Slug) || !strings.Contains(err.Error(), fmt.Sprintf("(id %d,", e.ID)) {
		t.Fatalf("the migration says %v, want commune %s and entry %d named", err, b.Commune.Slug, e.ID)
	}
	var relinks int
	fixture.Must(t, db.NewRaw("SELECT count(*) FROM chain_relinks").Scan(ctx, &relinks))
	if r := verifyIn(t, db, a, models.ChainV1, key); !r.OK() || relinks != 0 {
		t.Fatalf("commune %s was relinked although the migration failed: %d relinks, %+v", a.Commune.Slug, relinks, r)
	}
}
