package backup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"guichet/app"
	"guichet/backup"
	"guichet/fixture"
	"guichet/migrations"
	"guichet/models"
	"guichet/streets"
	"guichet/testdb"
	"guichet/workflow"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// pdf is a distinct document: the type sniffer's signature, then text.
func pdf(text string) []byte { return []byte("%PDF-1.4\n" + strings.Repeat(text+"\n", 500)) }

// digest sums up every row of a table, in a stable order.
func digest(t *testing.T, db bun.IDB, table string) string {
	t.Helper()
	var sum string
	fixture.Must(t, db.NewRaw("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "+table+" t").Scan(context.Background(), &sum))
	return sum
}

// An instance of two communes, with demands in every state through the
// real workflow, notes and files (one content shared by both communes), is
// backed up, and restored into an empty database: every row of every table
// is there, every file byte for byte, and the instance works on.
func TestBackupRestoresEveryDemandHistoryEntryAndFile(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	cfg := fixture.Config(t) // one instance: one data directory
	var worlds []*fixture.World
	var submitted []*models.Demand
	contents := map[string][]byte{}
	shared := pdf("plan cadastral")
	for i := range 2 {
		w := fixture.NewWorldOn(t, db, cfg)
		worlds = append(worlds, w)
		for _, s := range fixture.Setups {
			d := w.DemandAt(t, s)
			if s == fixture.AtSubmitted {
				submitted = append(submitted, d)
			}
		}
		// Streets: their keys are a generated column, computed again as the
		// rows are restored.
		ban, err := os.Open("../streets/testdata/adresses-13999.csv")
		fixture.Must(t, err)
		_, err = streets.Import(ctx, db, w.Commune.ID, ban, nil)
		ban.Close()
		fixture.Must(t, err)
		d := submitted[i]
		_, err = w.Engine.Note(ctx, d.ID, workflow.AgentActor(w.Accueil), "Vu avec le demandeur.")
		fixture.Must(t, err)
		for _, content := range [][]byte{shared, pdf(fmt.Sprintf("photo de la commune %d", i))} {
			up, err := w.App.Files.Receive(bytes.NewReader(content), int64(len(content)))
			fixture.Must(t, err)
			att := &models.Attachment{Filename: "piece.pdf", ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256}
			_, err = w.Engine.AddFile(ctx, d.ID, workflow.AgentActor(w.Accueil), att, models.FileLimits{Size: 1 << 30, Files: 50, FilesPerField: 10}, up.Keep)
			fixture.Must(t, err)
			up.Discard()
			contents[up.SHA256] = content
		}
	}

	dir := filepath.Join(t.TempDir(), "sauvegarde")
	m, err := backup.Create(ctx, db, testdb.DSN(t, db), app.UploadsDir(cfg), dir, worlds[0].Clock.Now())
	fixture.Must(t, err)
	if len(m.Files) != len(contents) || m.Rows["demands"] != int64(2*len(fixture.Setups)) || m.Rows["demand_events"] == 0 || m.Rows["attachments"] != 4 || m.Rows["streets"] == 0 {
		t.Fatalf("manifest: %d files, rows %v", len(m.Files), m.Rows)
	}
	again, err := backup.ReadManifest(dir)
	fixture.Must(t, err)
	fixture.Must(t, backup.Verify(dir, again))

	target := testdb.Empty(t)
	uploads := filepath.Join(t.TempDir(), "uploads")
	_, err = backup.Restore(ctx, target, testdb.DSN(t, target), uploads, dir)
	fixture.Must(t, err)

	tables, err := models.TableRows(ctx, db)
	fixture.Must(t, err)
	for table := range tables {
		if got, want := digest(t, target, table), digest(t, db, table); got != want {
			t.Errorf("table %s differs after the restore", table)
		}
	}
	var shas []string
	fixture.Must(t, target.NewRaw("SELECT sha256 FROM attachments").Scan(ctx, &shas))
	for _, sha := range shas {
		b, err := os.ReadFile(filepath.Join(uploads, sha[:2], sha))
		fixture.Must(t, err)
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != sha || !bytes.Equal(b, contents[sha]) {
			t.Errorf("file %s is not the one uploaded", sha)
		}
	}

	// The restored instance is current and works on: its sequences go on,
	// its demands move, its files are served from the new directory.
	pending, unknown, err := migrations.Compare(ctx, target)
	if err != nil || len(pending)+len(unknown) > 0 {
		t.Fatalf("restored migrations: %v %v %v", pending, unknown, err)
	}
	cfg2 := fixture.Config(t)
	cfg2.DataDir = filepath.Dir(uploads)
	w2 := fixture.NewWorldOn(t, target, cfg2)
	restored := new(models.Demand)
	fixture.Must(t, target.NewSelect().Model(restored).Where("id = ?", submitted[0].ID).Scan(ctx))
	d, err := w2.Engine.Apply(ctx, restored.ID, workflow.Accept, workflow.AgentActor(worlds[0].Accueil), workflow.Input{Version: restored.Version})
	fixture.Must(t, err)
	if d.State != workflow.Accepted {
		t.Fatalf("restored demand: %s", d.State)
	}
	f, err := w2.App.Files.Open(shas[0])
	fixture.Must(t, err)
	b, err := io.ReadAll(f)
	f.Close()
	fixture.Must(t, err)
	if !bytes.Equal(b, contents[shas[0]]) {
		t.Fatal("the restored store serves another content")
	}

	// Into a database that is not empty, nothing is restored.
	for name, db := range map[string]*bun.DB{"restored": target, "migrated": testdb.New(t)} {
		if _, err := backup.Restore(ctx, db, testdb.DSN(t, db), t.TempDir(), dir); err == nil || !strings.Contains(err.Error(), "la base de destination n'est pas vide") {
			t.Errorf("restore into the %s database: %v", name, err)
		}
	}
	// A backup altered on its way is refused before anything is written.
	fixture.Must(t, os.WriteFile(filepath.Join(dir, m.Files[0].Path), []byte("%PDF-1.4 autre"), 0o640))
	empty := testdb.Empty(t)
	if _, err := backup.Restore(ctx, empty, testdb.DSN(t, empty), t.TempDir(), dir); err == nil || !strings.Contains(err.Error(), "sauvegarde altérée") {
		t.Fatalf("altered backup: %v", err)
	}
	if n, err := models.Relations(ctx, empty); err != nil || n != 0 {
		t.Fatalf("an altered backup wrote %d relations (%v)", n, err)
	}
	// A backup goes into a new directory.
	if _, err := backup.Create(ctx, db, testdb.DSN(t, db), app.UploadsDir(cfg), dir, worlds[0].Clock.Now()); err == nil || !strings.Contains(err.Error(), "n'est pas vide") {
		t.Fatalf("backup into a used directory: %v", err)
	}
}
