package files_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"guichet/files"
	"guichet/files/s3test"
	"guichet/testdb"
)

// With FILE_STORE=s3, on a real S3-compatible server (SeaweedFS): a file
// received and kept is read back byte for byte, from any position too (a
// range request); bytes that do not hash to their name are refused and
// leave no object; a missing content is os.ErrNotExist; a removal is
// final and may be repeated; a server whose bucket does not exist is
// refused at its start.
func TestS3StoreKeepsReadsAndRemoves(t *testing.T) {
	ctx := context.Background()
	cfg := s3test.Server(t)
	db := testdb.New(t)
	s, err := files.New(files.Bucket, t.TempDir(), db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	fatal := func(err error) { t.Helper(); must(t, err) }

	content := bigPDF(t, 3*1024*1024+777)
	up, err := s.Receive(bytes.NewReader(content), 1<<30)
	fatal(err)
	defer up.Discard()
	fatal(db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error { return up.Keep(ctx, tx) }))

	f, err := s.Open(ctx, up.SHA256)
	fatal(err)
	got, err := io.ReadAll(f)
	fatal(err)
	if !bytes.Equal(got, content) {
		t.Fatalf("read back %d bytes, not the %d kept", len(got), len(content))
	}
	at := int64(len(content) - 1000)
	_, err = f.Seek(at, io.SeekStart)
	fatal(err)
	tail, err := io.ReadAll(f)
	fatal(err)
	if !bytes.Equal(tail, content[at:]) {
		t.Fatalf("from %d: %d bytes, not the last 1000", at, len(tail))
	}
	f.Close()

	// Kept again: the same content, nothing sent twice.
	again, err := os.CreateTemp(t.TempDir(), "again")
	fatal(err)
	again.Write(content)
	n, err := s.Put(ctx, db, up.SHA256, again)
	fatal(err)
	if n != int64(len(content)) {
		t.Fatalf("kept again: %d bytes", n)
	}

	other := []byte("%PDF-1.7\nautre chose")
	sum := sha256.Sum256([]byte("pas ce contenu"))
	wrong := hex.EncodeToString(sum[:])
	if _, err := s.Put(ctx, db, wrong, bytes.NewReader(other)); !errors.Is(err, files.ErrChecksum) {
		t.Fatalf("bytes under another's name: %v", err)
	}
	if _, err := s.Open(ctx, wrong); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("after a refused put: %v", err)
	}
	// A reader that cannot seek is hashed from a spooled copy.
	sum = sha256.Sum256(other)
	_, err = s.Put(ctx, db, hex.EncodeToString(sum[:]), io.NopCloser(bytes.NewReader(other)))
	fatal(err)

	fatal(s.Remove(ctx, db, up.SHA256))
	if _, err := s.Open(ctx, up.SHA256); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("after its removal: %v", err)
	}
	fatal(s.Remove(ctx, db, up.SHA256))
	if _, err := s.Open(ctx, "../../etc/passwd"); err == nil {
		t.Fatal("a path as a name was opened")
	}

	bad := cfg
	bad.Bucket = "pas-de-seau"
	if _, err := files.New(files.Bucket, t.TempDir(), db, bad); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("a missing bucket: %v", err)
	}
}
