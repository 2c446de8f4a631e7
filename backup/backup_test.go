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
	"guichet/config"
	"guichet/conversation"
	"guichet/files"
	"guichet/files/s3test"
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
// real workflow, notes and files (one content shared by both communes, one
// a conversation's), is backed up, and restored into an empty database:
// every row of every table is there, every file byte for byte, and the
// instance works on; with its files on disk or in the database, restored
// into either.
func TestBackupRestoresEveryDemandHistoryEntryAndFile(t *testing.T) {
	// The s3 cases on a real S3 server, each store its own bucket.
	server := s3test.Server(t)
	buckets := 0
	bucket := func(t *testing.T, cfg *config.Config) {
		buckets++
		b := s3test.NewBucket(t, server, fmt.Sprintf("sauvegarde-%d", buckets))
		cfg.S3Endpoint, cfg.S3Bucket, cfg.S3Region, cfg.S3AccessKey, cfg.S3SecretKey = b.Endpoint, b.Bucket, b.Region, b.AccessKey, b.SecretKey
	}
	for _, stores := range [][2]string{{files.Local, files.Local}, {files.Postgres, files.Postgres}, {files.Local, files.Postgres}, {files.Postgres, files.Local},
		{files.Bucket, files.Bucket}, {files.Postgres, files.Bucket}} {
		t.Run(stores[0]+"→"+stores[1], func(t *testing.T) { testBackupRestore(t, stores[0], stores[1], bucket) })
	}
}

func testBackupRestore(t *testing.T, from, to string, bucket func(*testing.T, *config.Config)) {
	ctx := context.Background()
	db := testdb.New(t)
	cfg := fixture.Config(t) // one instance: one data directory
	cfg.FileStore = from
	if from == files.Bucket {
		bucket(t, cfg)
	}
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
	// A citizen's message with a file of its own.
	letter := pdf("courrier du demandeur")
	up, err := worlds[0].App.Files.Receive(bytes.NewReader(letter), int64(len(letter)))
	fixture.Must(t, err)
	_, _, err = worlds[0].App.Conversations.Open(ctx, worlds[0].Commune, conversation.Citizen(worlds[0].Commune.ID, "Camille Martin"),
		conversation.OpenInput{Subject: "Un courrier", Email: "camille@exemple.fr", Name: "Camille Martin", Client: "test",
			Message: conversation.MessageInput{Body: "Voici le courrier.", Files: []conversation.Upload{{File: models.ConversationFile{
				Filename: "courrier.pdf", ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256}, Keep: up.Keep}}}})
	fixture.Must(t, err)
	up.Discard()
	contents[up.SHA256] = letter
	store, err := app.FileStore(cfg, db)
	fixture.Must(t, err)

	dir := filepath.Join(t.TempDir(), "sauvegarde")
	m, err := backup.Create(ctx, db, testdb.DSN(t, db), store, dir, worlds[0].Clock.Now())
	fixture.Must(t, err)
	copied := len(contents) // on disk, the files are copied beside the dump; in the database, they are in it
	if from == files.Postgres {
		copied = 0
	}
	if len(m.Files) != copied || m.Rows["demands"] != int64(2*len(fixture.Setups)) || m.Rows["demand_events"] == 0 || m.Rows["attachments"] != 4 || m.Rows["streets"] == 0 {
		t.Fatalf("manifest: %d files, rows %v", len(m.Files), m.Rows)
	}
	again, err := backup.ReadManifest(dir)
	fixture.Must(t, err)
	fixture.Must(t, backup.Verify(dir, again))

	target := testdb.Empty(t)
	cfg2 := fixture.Config(t)
	cfg2.FileStore = to
	if to == files.Bucket {
		bucket(t, cfg2)
	}
	targetStore, err := app.FileStore(cfg2, target)
	fixture.Must(t, err)
	_, err = backup.Restore(ctx, target, testdb.DSN(t, target), targetStore, dir)
	fixture.Must(t, err)

	tables, err := models.TableRows(ctx, db)
	fixture.Must(t, err)
	for table := range tables {
		if from != to && strings.HasPrefix(table, "file_") {
			continue // the files moved into (or stayed beside) the other store
		}
		if got, want := digest(t, target, table), digest(t, db, table); got != want {
			t.Errorf("table %s differs after the restore", table)
		}
	}
	var shas []string
	fixture.Must(t, target.NewRaw("SELECT sha256 FROM attachments UNION SELECT sha256 FROM conversation_files").Scan(ctx, &shas))
	if len(shas) != len(contents) {
		t.Fatalf("restored rows name %d contents, %d were uploaded", len(shas), len(contents))
	}
	for _, sha := range shas {
		f, err := targetStore.Open(ctx, sha)
		fixture.Must(t, err)
		b, err := io.ReadAll(f)
		f.Close()
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
	w2 := fixture.NewWorldOn(t, target, cfg2)
	restored := new(models.Demand)
	fixture.Must(t, target.NewSelect().Model(restored).Where("id = ?", submitted[0].ID).Scan(ctx))
	d, err := w2.Engine.Apply(ctx, restored.ID, workflow.Accept, workflow.AgentActor(worlds[0].Accueil), workflow.Input{Version: restored.Version})
	fixture.Must(t, err)
	if d.State != workflow.Accepted {
		t.Fatalf("restored demand: %s", d.State)
	}
	f, err := w2.App.Files.Open(ctx, shas[0])
	fixture.Must(t, err)
	b, err := io.ReadAll(f)
	f.Close()
	fixture.Must(t, err)
	if !bytes.Equal(b, contents[shas[0]]) {
		t.Fatal("the restored store serves another content")
	}

	// Into a database that is not empty, nothing is restored.
	for name, db := range map[string]*bun.DB{"restored": target, "migrated": testdb.New(t)} {
		if _, err := backup.Restore(ctx, db, testdb.DSN(t, db), targetStore, dir); err == nil || !strings.Contains(err.Error(), "la base de destination n'est pas vide") {
			t.Errorf("restore into the %s database: %v", name, err)
		}
	}
	// A backup altered on its way is refused before anything is written.
	altered := m.Database.Path
	if len(m.Files) > 0 {
		altered = m.Files[0].Path
	}
	fixture.Must(t, os.WriteFile(filepath.Join(dir, altered), []byte("%PDF-1.4 autre"), 0o640))
	empty := testdb.Empty(t)
	if _, err := backup.Restore(ctx, empty, testdb.DSN(t, empty), targetStore, dir); err == nil || !strings.Contains(err.Error(), "sauvegarde altérée") {
		t.Fatalf("altered backup: %v", err)
	}
	if n, err := models.Relations(ctx, empty); err != nil || n != 0 {
		t.Fatalf("an altered backup wrote %d relations (%v)", n, err)
	}
	// A backup goes into a new directory.
	if _, err := backup.Create(ctx, db, testdb.DSN(t, db), store, dir, worlds[0].Clock.Now()); err == nil || !strings.Contains(err.Error(), "n'est pas vide") {
		t.Fatalf("backup into a used directory: %v", err)
	}
}
