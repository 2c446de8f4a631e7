// Package backup writes a consistent copy of an instance, its database and
// its uploaded files, into a directory, and restores it into an empty
// database: the database by PostgreSQL's pg_dump (custom format) and
// pg_restore, the files (under their SHA-256, see files/) copied beside it
// when they are on disk (FILE_STORE=local; with FILE_STORE=postgres they are
// rows of the dump), and a manifest with the rows of each table and the
// checksum of every part, checked before anything is restored and after.
package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/files"
	"guichet/models"
	"guichet/pgcluster"
)

// Names inside a backup directory.
const (
	ManifestFile = "manifest.json"
	DatabaseFile = "database.dump"
	FilesDir     = "files"
)

// Format is the manifest's version.
const Format = 1

// Manifest describes a backup.
type Manifest struct {
	Format    int              `json:"format"`
	CreatedAt time.Time        `json:"created_at"`
	Database  Part             `json:"database"`
	Rows      map[string]int64 `json:"rows"` // per table, in the dump's snapshot
	// FileStore is where the instance kept its files: files.Local (""
	// in older backups), copied in Files, or files.Postgres, in the dump.
	FileStore string `json:"file_store,omitempty"`
	Files     []Part `json:"files"`
}

// Part is one file of the backup, with its checksum.
type Part struct {
	Path   string `json:"path"` // relative to the backup directory
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Create writes into dir (created; it must not hold anything) a backup of
// the database db, reached by dsn, and of the uploaded files of store. The
// dump and the file list come from one snapshot, and the files' locks are
// held meanwhile, so that none the snapshot refers to is deleted before it
// is copied.
func Create(ctx context.Context, db *bun.DB, dsn string, store *files.Store, dir string, now time.Time) (*Manifest, error) {
	pgDump, err := pgcluster.Binary("pg_dump")
	if err != nil {
		return nil, err
	}
	if err := emptyDir(dir); err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var snapshot string
	if err := tx.NewRaw("SELECT pg_export_snapshot()").Scan(ctx, &snapshot); err != nil {
		return nil, err
	}
	m := &Manifest{Format: Format, CreatedAt: now.UTC(), FileStore: files.Local}
	if store.InDatabase() {
		m.FileStore = files.Postgres
	}
	if m.Rows, err = models.TableRows(ctx, tx); err != nil {
		return nil, err
	}
	stored, err := models.HoldStoredFiles(ctx, tx)
	if err != nil {
		return nil, err
	}
	dump := filepath.Join(dir, DatabaseFile)
	if err := run(ctx, pgDump, dsn, "--format=custom", "--snapshot="+snapshot, "--file="+dump); err != nil {
		return nil, err
	}
	if m.Database, err = checksum(dir, DatabaseFile); err != nil {
		return nil, err
	}
	for _, f := range stored {
		if store.InDatabase() {
			break // in the dump
		}
		p, err := copyFile(ctx, db, store, backupFiles(dir), f.SHA256)
		if err != nil {
			return nil, fmt.Errorf("fichier %s : %w", f.SHA256, err)
		}
		m.Files = append(m.Files, p)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return m, os.WriteFile(filepath.Join(dir, ManifestFile), append(b, '\n'), 0o640)
}

// Restore restores the backup in dir into the database db, reached by
// dsn, which must be empty, and its files into store, which may be of the
// other kind than the instance backed up had. Every part's checksum is
// checked before anything is written; the database is restored in one
// transaction, and its rows counted against the manifest.
func Restore(ctx context.Context, db *bun.DB, dsn string, store *files.Store, dir string) (*Manifest, error) {
	pgRestore, err := pgcluster.Binary("pg_restore")
	if err != nil {
		return nil, err
	}
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if err := Verify(dir, m); err != nil {
		return nil, err
	}
	n, err := models.Relations(ctx, db)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, fmt.Errorf("la base de destination n'est pas vide (%d tables, index ou séquences) : une sauvegarde se restaure dans une base vide (un nouveau DATA_DIR, ou une base créée par createdb)", n)
	}
	inDump := m.FileStore == files.Postgres
	copyAll := func(src *files.Store, shas []string) error {
		for _, sha := range shas {
			if _, err := copyFile(ctx, db, src, store, sha); err != nil {
				return fmt.Errorf("fichier %s : %w", sha, err)
			}
		}
		return nil
	}
	var backedUp []string
	for _, f := range m.Files {
		backedUp = append(backedUp, f.SHA256)
	}
	// Files to disk first: copying them again is harmless, while a
	// database restored is no longer empty. Into the database, they can
	// only follow its tables.
	if !inDump && !store.InDatabase() {
		if err := copyAll(backupFiles(dir), backedUp); err != nil {
			return nil, err
		}
	}
	if err := run(ctx, pgRestore, dsn, "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
		filepath.Join(dir, DatabaseFile)); err != nil {
		return nil, err
	}
	rows, err := models.TableRows(ctx, db)
	if err != nil {
		return nil, err
	}
	if !maps.Equal(rows, m.Rows) {
		return nil, fmt.Errorf("la base restaurée ne compte pas les lignes du manifeste : %v, attendu %v", rows, m.Rows)
	}
	// The rows counted, the files that come from the other store.
	switch {
	case !inDump && store.InDatabase():
		if err := copyAll(backupFiles(dir), backedUp); err != nil {
			return nil, err
		}
	case inDump && !store.InDatabase():
		var shas []string
		if err := db.NewRaw("SELECT sha256 FROM file_contents ORDER BY sha256").Scan(ctx, &shas); err != nil {
			return nil, err
		}
		if err := copyAll(&files.Store{Contents: &files.Database{DB: db}}, shas); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// ReadManifest reads a backup's manifest.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("sauvegarde illisible : %w", err)
	}
	m := new(Manifest)
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("manifeste illisible : %w", err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("manifeste au format %d : ce programme lit le format %d", m.Format, Format)
	}
	return m, nil
}

// Verify checks every part of the backup in dir against its manifest.
func Verify(dir string, m *Manifest) error {
	for _, p := range append([]Part{m.Database}, m.Files...) {
		got, err := checksum(dir, p.Path)
		if err != nil {
			return fmt.Errorf("sauvegarde incomplète : %w", err)
		}
		if got != p {
			return fmt.Errorf("sauvegarde altérée : %s a pour somme %s (%d octets), le manifeste dit %s (%d octets)", p.Path, got.SHA256, got.Size, p.SHA256, p.Size)
		}
	}
	return nil
}

// backupFiles is the store of a backup's copied files.
func backupFiles(dir string) *files.Store {
	return &files.Store{Contents: &files.Disk{Dir: filepath.Join(dir, FilesDir)}}
}

// copyFile copies a content between stores; db is the instance's database.
func copyFile(ctx context.Context, db *bun.DB, src, dst *files.Store, sha string) (Part, error) {
	r, err := src.Open(ctx, sha)
	if err != nil {
		return Part{}, err
	}
	defer r.Close()
	n, err := dst.Put(ctx, db, sha, r)
	return Part{Path: path(sha), SHA256: sha, Size: n}, err
}

// path is where a content lies in a backup: its store's layout.
func path(sha string) string { return filepath.Join(FilesDir, sha[:2], sha) }

func checksum(dir, rel string) (Part, error) {
	f, err := os.Open(filepath.Join(dir, rel))
	if err != nil {
		return Part{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return Part{Path: rel, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}, err
}

// emptyDir creates dir, or accepts it if it exists and is empty.
func emptyDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("le répertoire %s n'est pas vide : une sauvegarde s'écrit dans un répertoire nouveau", dir)
	}
	return nil
}

// run runs a PostgreSQL client on the database dsn; a password in dsn
// goes by the environment, not the command line that ps shows.
func run(ctx context.Context, name, dsn string, args ...string) error {
	env := os.Environ()
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if pw, set := u.User.Password(); set {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
			dsn = u.String()
		}
	}
	var stderr strings.Builder
	cmd := exec.CommandContext(ctx, name, append(args, "--dbname="+dsn)...)
	cmd.Env, cmd.Stderr = env, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s : %w : %s", filepath.Base(name), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
