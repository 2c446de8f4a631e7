package files_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/uptrace/bun"

	"guichet/files"
	"guichet/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// bigPDF is a document of n bytes spanning chunks, of random content.
func bigPDF(t *testing.T, n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	copy(b, "%PDF-1.7\n")
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func countRows(t *testing.T, db *bun.DB, table string) int {
	t.Helper()
	n, err := db.NewSelect().TableExpr(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// With FILE_STORE=postgres a file kept by the transaction that records it
// is read back byte for byte from any position (a range request), a
// rollback takes it back, and bytes that do not hash to their name are
// refused.
func TestDatabaseStoreKeepsWithTheTransaction(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	s, err := files.New(files.Postgres, t.TempDir(), db, files.S3Config{})
	if err != nil {
		t.Fatal(err)
	}
	content := bigPDF(t, 2*files.ChunkSize+12345)
	up, err := s.Receive(bytes.NewReader(content), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Discard()

	rollback := errors.New("rolled back")
	err = db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		if err := up.Keep(ctx, tx); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, up.SHA256); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("kept by a transaction rolled back: %v", err)
	}

	fatal := func(err error) { t.Helper(); must(t, err) }
	fatal(db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error { return up.Keep(ctx, tx) }))
	if n := countRows(t, db, "file_chunks"); n != 3 {
		t.Fatalf("%d chunks, want 3", n)
	}
	f, err := s.Open(ctx, up.SHA256)
	fatal(err)
	got, err := io.ReadAll(f)
	fatal(err)
	if !bytes.Equal(got, content) {
		t.Fatalf("read back %d bytes, not the %d kept", len(got), len(content))
	}
	// Across a chunk's end, from the start and from the end.
	for _, at := range []int64{files.ChunkSize - 10, 5, int64(len(content)) - 7} {
		_, err := f.Seek(at, io.SeekStart)
		fatal(err)
		part := make([]byte, 20)
		n, err := io.ReadFull(f, part)
		if err != nil && err != io.ErrUnexpectedEOF {
			t.Fatal(err)
		}
		if want := content[at:min(at+20, int64(len(content)))]; !bytes.Equal(part[:n], want) {
			t.Errorf("at %d: read %x, want %x", at, part[:n], want)
		}
	}
	end, err := f.Seek(0, io.SeekEnd)
	fatal(err)
	if end != int64(len(content)) {
		t.Errorf("size %d, want %d", end, len(content))
	}
	f.Close()

	// The same bytes again: stored once.
	n, err := s.Put(ctx, db, up.SHA256, bytes.NewReader(content))
	fatal(err)
	if n != int64(len(content)) || countRows(t, db, "file_chunks") != 3 {
		t.Fatalf("put again: %d bytes, %d chunks", n, countRows(t, db, "file_chunks"))
	}
	// Bytes that are not the named content leave nothing.
	other := bigPDF(t, 5000)
	sum := sha256.Sum256(content[:100])
	if _, err := s.Put(ctx, db, hex.EncodeToString(sum[:]), bytes.NewReader(other)); !errors.Is(err, files.ErrChecksum) {
		t.Fatalf("put of other bytes: %v", err)
	}
	if n := countRows(t, db, "file_contents"); n != 1 {
		t.Fatalf("%d contents after a refused put, want 1", n)
	}

	fatal(s.Remove(ctx, db, up.SHA256))
	if _, err := s.Open(ctx, up.SHA256); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("open after remove: %v", err)
	}
	if n := countRows(t, db, "file_chunks"); n != 0 {
		t.Fatalf("%d chunks left after remove", n)
	}
}
