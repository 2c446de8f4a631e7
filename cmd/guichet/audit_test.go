package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"guichet/audit"
	"guichet/config"
	"guichet/fixture"
	"guichet/history"
	"guichet/models"
	"guichet/testdb"
)

// TestAuditCommands: a key made by keygen signs the daily digests, the
// public key printed verifies them, and verify passes on an untouched
// history and fails on an altered one, naming the entry.
func TestAuditCommands(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	t.Setenv("DATABASE_URL", testdb.DSN(t, db))
	t.Setenv("DATA_DIR", t.TempDir())
	t.Setenv("GUICHET_ENV", "production")
	ctx := context.Background()
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := auditCmd(ctx, args, &out)
		return out.String(), err
	}
	if _, err := run("pubkey"); err == nil || !strings.Contains(err.Error(), "AUDIT_SIGNING_KEY is required in production") {
		t.Fatalf("pubkey without a key: %v", err)
	}
	key, err := run("keygen")
	fixture.Must(t, err)
	t.Setenv("AUDIT_SIGNING_KEY", strings.TrimSpace(key))

	d := w.DemandAt(t, fixture.AtRefused)
	cfg, err := config.Load()
	fixture.Must(t, err)
	private, err := cfg.AuditKey()
	fixture.Must(t, err)
	n, err := (&audit.Sealer{DB: db, Key: private}).RunOnce(ctx, w.Clock.Now())
	fixture.Must(t, err)
	seals, err := models.Seals(ctx, db, w.Commune.ID)
	fixture.Must(t, err)
	out, err := run("pubkey")
	fixture.Must(t, err)
	public, err := base64.StdEncoding.DecodeString(strings.TrimSpace(out))
	fixture.Must(t, err)
	if n != 1 || len(seals) != 1 || !ed25519.Verify(public, audit.SealMessage(seals[0]), seals[0].Signature) {
		t.Fatalf("%d sealed, %+v, not verified by the printed key %s", n, seals, out)
	}

	out, err = run("verify", "-commune", w.Commune.Slug)
	if err != nil || out != fmt.Sprintf("%s : historique intact, 2 entrées, 1 condensés signés vérifiés.\n", w.Commune.Slug) {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	var refusal models.Event
	fixture.Must(t, db.NewSelect().Model(&refusal).Where("demand_id = ? AND kind = 'refuse'", d.ID).Scan(ctx))
	if _, err := db.ExecContext(ctx, "UPDATE demand_events SET message = 'Accordé.' WHERE id = ?", refusal.ID); err != nil {
		t.Fatal(err)
	}
	out, err = run("verify")
	want := fmt.Sprintf("%s : HISTORIQUE ALTÉRÉ : l'entrée n° 2 (id %d, demande %s, %s, refuse, « %s ») a été modifiée",
		w.Commune.Slug, refusal.ID, d.Reference, refusal.At.In(audit.Paris).Format("02/01/2006 15:04:05"), history.AgentTitle(refusal))
	if err == nil || err.Error() != "l'historique de 1 commune(s) sur 1 ne se vérifie pas" || !strings.Contains(out, want) {
		t.Fatalf("verify after an edit: %v\n%s\nwant %s", err, out, want)
	}
	if _, err := run("verify", "-commune", "nulle-part"); err == nil || err.Error() != `commune "nulle-part" introuvable` {
		t.Fatalf("unknown commune: %v", err)
	}
}
