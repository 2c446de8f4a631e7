package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/testdb"
)

// guichet backup then guichet restore, as an operator types them: the
// restored database holds the demand; a second restore is refused.
func TestBackupAndRestoreCommands(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	d := w.DemandAt(t, fixture.AtTransferred)
	dir := filepath.Join(t.TempDir(), "sauvegarde")
	t.Setenv("DATABASE_URL", testdb.DSN(t, db))
	t.Setenv("DATA_DIR", w.App.Config.DataDir)
	fixture.Must(t, backupCmd(ctx, []string{"-o", dir}))

	target := testdb.Empty(t)
	t.Setenv("DATABASE_URL", testdb.DSN(t, target))
	t.Setenv("DATA_DIR", t.TempDir())
	fixture.Must(t, restoreCmd(ctx, []string{"-i", dir}))
	var state string
	fixture.Must(t, target.NewRaw("SELECT state FROM demands WHERE reference = ?", d.Reference).Scan(ctx, &state))
	if state != d.State {
		t.Fatalf("restored demand in %q, want %q", state, d.State)
	}
	if err := restoreCmd(ctx, []string{"-i", dir}); err == nil || !strings.Contains(err.Error(), "n'est pas vide") {
		t.Fatalf("second restore: %v", err)
	}
	if err := backupCmd(ctx, nil); err == nil || !strings.Contains(err.Error(), "usage : guichet backup -o") {
		t.Fatalf("no -o: %v", err)
	}
}
