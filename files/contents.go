package files

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
)

// Contents is where kept files lie, each under its SHA-256: every reading,
// writing and deletion of a file's bytes goes through it.
type Contents interface {
	// Put stores the bytes of r under sha, in db's transaction where the
	// contents are rows; they must hash to sha (ErrChecksum, and nothing
	// is kept). A content already there is kept as it is.
	Put(ctx context.Context, db bun.IDB, sha string, r io.Reader) (int64, error)
	// Open reads a content (os.ErrNotExist when there is none).
	Open(ctx context.Context, sha string) (File, error)
	// Remove deletes a content, in tx where the contents are rows.
	Remove(ctx context.Context, tx bun.IDB, sha string) error
}

// File is a stored content being read: http.ServeContent seeks in it to
// answer a range.
type File interface {
	io.ReadSeekCloser
}

// ErrChecksum is a content whose bytes do not hash to the name given.
var ErrChecksum = errors.New("files: content does not match its SHA-256")

var shaRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

func checkSHA(sha string) error {
	if !shaRe.MatchString(sha) {
		return fmt.Errorf("files: bad hash %q", sha)
	}
	return nil
}

// Disk keeps contents under Dir, in Dir/ab/abcd… (FILE_STORE=local).
type Disk struct{ Dir string }

func (d *Disk) path(sha string) (string, error) {
	if err := checkSHA(sha); err != nil {
		return "", err
	}
	return filepath.Join(d.Dir, sha[:2], sha), nil
}

// move puts a received temporary file, hashed to sha, in place.
func (d *Disk) move(tmp, sha string) error {
	dst, err := d.path(sha)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

func (d *Disk) Open(_ context.Context, sha string) (File, error) {
	p, err := d.path(sha)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

func (d *Disk) Remove(_ context.Context, _ bun.IDB, sha string) error {
	p, err := d.path(sha)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func (d *Disk) Put(_ context.Context, _ bun.IDB, sha string, r io.Reader) (int64, error) {
	dst, err := d.path(sha)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".put-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name()) // after the rename, nothing
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && !matches(h, sha) {
		err = ErrChecksum
	}
	if err != nil {
		return 0, err
	}
	return n, os.Rename(tmp.Name(), dst)
}

func matches(h hash.Hash, sha string) bool { return hex.EncodeToString(h.Sum(nil)) == sha }

// ChunkSize is the bytes of one row of file_chunks: a download holds one
// chunk in memory, an upload one too.
const ChunkSize = 1 << 20

// Database keeps contents in PostgreSQL (FILE_STORE=postgres): a row of
// file_contents per content and its bytes in rows of file_chunks of
// ChunkSize, so that every server reads what any of them kept, and the
// database's dump holds the files.
type Database struct{ DB *bun.DB }

// execer is database/sql under bun: the chunks go, and come back, in
// binary (pgx.QueryExecModeDescribeExec: an unnamed statement described,
// then run), not as bun's or the simple protocol's hex text, twice their
// size and slower. Always inside a transaction, so that PgBouncer's
// transaction pooling keeps the two steps on one server connection.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func sqlOf(db bun.IDB) execer {
	switch d := db.(type) {
	case bun.Tx:
		return d.Tx
	case *bun.Tx:
		return d.Tx
	case *bun.DB:
		return d.DB
	}
	panic(fmt.Sprintf("files: no database/sql handle under %T", db))
}

func (d *Database) Put(ctx context.Context, db bun.IDB, sha string, r io.Reader) (n int64, err error) {
	if err := checkSHA(sha); err != nil {
		return 0, err
	}
	// In a transaction of its own, or a savepoint of db's: a content that
	// does not hash to sha leaves no row.
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		q := sqlOf(tx)
		var existing sql.NullInt64
		// Waits for another transaction putting the same content.
		if err := q.QueryRowContext(ctx, `WITH ins AS (INSERT INTO file_contents (sha256, size) VALUES ($1, 0)
			ON CONFLICT (sha256) DO NOTHING RETURNING sha256)
			SELECT CASE WHEN EXISTS (SELECT 1 FROM ins) THEN NULL ELSE (SELECT size FROM file_contents WHERE sha256 = $1) END`,
			pgx.QueryExecModeDescribeExec, sha).Scan(&existing); err != nil {
			return err
		}
		if existing.Valid {
			n = existing.Int64
			return nil
		}
		h := sha256.New()
		buf := make([]byte, ChunkSize)
		for i := 0; ; i++ {
			m, rerr := io.ReadFull(r, buf)
			if m > 0 {
				h.Write(buf[:m])
				if _, err := q.ExecContext(ctx, `INSERT INTO file_chunks (sha256, n, data) VALUES ($1, $2, $3)`,
					pgx.QueryExecModeDescribeExec, sha, i, buf[:m]); err != nil {
					return err
				}
				n += int64(m)
			}
			if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
				break
			}
			if rerr != nil {
				return rerr
			}
		}
		if !matches(h, sha) {
			return ErrChecksum
		}
		_, err := q.ExecContext(ctx, `UPDATE file_contents SET size = $2 WHERE sha256 = $1`, pgx.QueryExecModeDescribeExec, sha, n)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

func (d *Database) Open(ctx context.Context, sha string) (File, error) {
	if err := checkSHA(sha); err != nil {
		return nil, err
	}
	f := &dbFile{ctx: ctx, db: d.DB, sha: sha, chunk: -1}
	err := d.DB.NewRaw("SELECT size FROM file_contents WHERE sha256 = ?", sha).Scan(ctx, &f.size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &os.PathError{Op: "open", Path: "file_contents/" + sha, Err: os.ErrNotExist}
	}
	return f, err
}

func (d *Database) Remove(ctx context.Context, tx bun.IDB, sha string) error {
	if err := checkSHA(sha); err != nil {
		return err
	}
	// Its chunks go with it (ON DELETE CASCADE).
	_, err := tx.NewRaw("DELETE FROM file_contents WHERE sha256 = ?", sha).Exec(ctx)
	return err
}

// dbFile reads a content chunk by chunk, each in a transaction of its own:
// none stays open while a slow client downloads (contents never change
// under their hash).
type dbFile struct {
	ctx   context.Context
	db    *bun.DB
	sha   string
	size  int64
	off   int64
	chunk int64 // the chunk in buf, -1 for none
	buf   []byte
}

func (f *dbFile) Read(p []byte) (int, error) {
	if f.off >= f.size {
		return 0, io.EOF
	}
	if c := f.off / ChunkSize; c != f.chunk {
		err := f.db.RunInTx(f.ctx, &sql.TxOptions{ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
			return tx.Tx.QueryRowContext(ctx, `SELECT data FROM file_chunks WHERE sha256 = $1 AND n = $2`,
				pgx.QueryExecModeDescribeExec, f.sha, c).Scan(&f.buf)
		})
		if err != nil {
			return 0, fmt.Errorf("files: chunk %d of %s: %w", c, f.sha, err)
		}
		f.chunk = c
	}
	n := copy(p, f.buf[f.off%ChunkSize:])
	f.off += int64(n)
	return n, nil
}

func (f *dbFile) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += f.off
	case io.SeekEnd:
		offset += f.size
	}
	if offset < 0 {
		return 0, errors.New("files: seek before the start")
	}
	f.off = offset
	return offset, nil
}

func (f *dbFile) Close() error { f.buf = nil; return nil }
