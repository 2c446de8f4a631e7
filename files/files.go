// Package files keeps uploaded documents, each under the SHA-256 of its
// content, in a Contents: a directory outside the web root (Disk, for one
// machine) or PostgreSQL (Postgres, which several servers share). A file is
// streamed to a temporary file while it is hashed, its type is sniffed from
// its first bytes (never trusted from the name or the browser) and checked
// against an allow-list, and its size is bounded: memory stays flat
// whatever the file's size. It reaches the store only when kept, by the
// transaction that records it.
package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"github.com/uptrace/bun"
)

// Kind is an accepted type of document.
type Kind struct {
	MIME   string
	Label  string   // what a person calls it: "PDF", "image JPEG"…
	Inline bool     // a browser may show it itself (preview)
	Exts   []string // its file name extensions, the usual one first
	// Prefix is the signature the content must start with where the sniffer
	// is lenient: it takes "%PDF-" anywhere in the first kilobyte (a web page
	// or a program holding those five bytes passed as a PDF), and an empty
	// or spanned archive's signature for the start of a document package.
	// The other kinds' signatures it requires where the format puts them.
	Prefix string
}

// Accepted lists the types a person may upload, in the order the hint names them.
var Accepted = []Kind{
	{"application/pdf", "PDF", true, []string{".pdf"}, "%PDF-"},
	{"image/jpeg", "JPEG", true, []string{".jpg", ".jpeg"}, ""},
	{"image/png", "PNG", true, []string{".png"}, ""},
	{"image/webp", "WebP", true, []string{".webp"}, ""},
	{"image/heic", "HEIC", false, []string{".heic"}, ""},
	{"image/heif", "HEIF", false, []string{".heif"}, ""},
	{"application/vnd.oasis.opendocument.text", "ODT", false, []string{".odt"}, "PK\x03\x04"},
	{"application/vnd.oasis.opendocument.spreadsheet", "ODS", false, []string{".ods"}, "PK\x03\x04"},
	{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX", false, []string{".docx"}, "PK\x03\x04"},
	{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", false, []string{".xlsx"}, "PK\x03\x04"},
}

// Extensions is the accept attribute of a file input: a hint for the
// browser's file picker, the server checks the content anyway.
var Extensions = func() string {
	var exts []string
	for _, k := range Accepted {
		exts = append(exts, k.Exts...)
	}
	return strings.Join(exts, ",")
}()

// AcceptedLabels names the accepted types for a person: "PDF, JPEG, PNG…".
func AcceptedLabels() string {
	ls := make([]string, len(Accepted))
	for i, k := range Accepted {
		ls[i] = k.Label
	}
	return strings.Join(ls, ", ")
}

// KindOf returns the accepted kind of a content type.
func KindOf(contentType string) (Kind, bool) {
	for _, k := range Accepted {
		if k.MIME == contentType {
			return k, true
		}
	}
	return Kind{}, false
}

// ErrTooLarge is returned when a file exceeds the size it was allowed.
var ErrTooLarge = errors.New("file too large")

// RefusedError is a file whose content is not of an accepted type.
type RefusedError struct {
	Detected string // the sniffed MIME type
}

func (e *RefusedError) Error() string { return "refused file type " + e.Detected }

// Reason explains the refusal in French, naming what the file really is
// when it is a kind people commonly confuse.
func (e *RefusedError) Reason() string {
	what := ""
	switch {
	case strings.Contains(e.Detected, "executable") || strings.Contains(e.Detected, "msdownload") ||
		e.Detected == "application/x-elf" || e.Detected == "application/x-mach-binary":
		what = " : son contenu est celui d'un programme exécutable, quel que soit son nom"
	case e.Detected == "application/zip" || e.Detected == "application/x-rar-compressed" || e.Detected == "application/x-7z-compressed":
		what = " : c'est une archive compressée ; joignez les documents eux-mêmes"
	case strings.HasPrefix(e.Detected, "text/html") || strings.HasPrefix(e.Detected, "image/svg"):
		what = " : c'est une page web ou une image vectorielle"
	case e.Detected == "application/msword":
		what = " : c'est un ancien document Word (.doc) ; enregistrez-le en PDF ou en DOCX"
	}
	return "Ce fichier n'est pas d'un type accepté" + what + ". Formats acceptés : " + AcceptedLabels() + "."
}

// Info describes a stored file.
type Info struct {
	SHA256      string
	Size        int64
	ContentType string
}

// Store receives uploads into temporary files under Dir and keeps them in
// Contents (nil: Disk on Dir).
type Store struct {
	Dir      string
	Contents Contents
	// Receiving, when set, is called once an upload's first bytes are on
	// disk, the rest still on its way (tests act at that moment).
	Receiving func()
}

// The stores FILE_STORE names.
const (
	Local    = "local"    // a directory, DATA_DIR/uploads: one machine
	Postgres = "postgres" // the database: every server sharing it
	Bucket   = "s3"       // an S3-compatible bucket: every server sharing it
)

// New is the store kind names: temporary files under dir, contents in dir
// (Local), in db (Postgres) or in the bucket of s3 (Bucket).
func New(kind, dir string, db *bun.DB, s3 S3Config) (*Store, error) {
	switch kind {
	case Local, "":
		return &Store{Dir: dir}, nil
	case Postgres:
		return &Store{Dir: dir, Contents: &Database{DB: db}}, nil
	case Bucket:
		c, err := NewS3(s3)
		if err != nil {
			return nil, err
		}
		return &Store{Dir: dir, Contents: c}, nil
	}
	return nil, fmt.Errorf("files: unknown store %q (local, postgres or s3)", kind)
}

func (s *Store) contents() Contents {
	if s.Contents == nil {
		return &Disk{Dir: s.Dir}
	}
	return s.Contents
}

// InDatabase tells whether the contents are rows of the database, and so in
// its dumps.
func (s *Store) InDatabase() bool {
	_, ok := s.contents().(*Database)
	return ok
}

// SniffLen is how much of the start of a file the type detection reads.
const SniffLen = 3072

// Upload is a file received and checked, not yet in the store: Keep puts
// it there, Discard drops it. Whoever records it keeps it in the same
// transaction, so that a file refused on the way leaves nothing behind.
type Upload struct {
	Info
	tmp   string
	store Contents
}

// Receive streams r to a temporary file, refusing it (and keeping nothing)
// when it is larger than max bytes (ErrTooLarge) or not of an accepted type
// (*RefusedError). The caller drains r if it must, and Discards the upload
// once done with it.
func (s *Store) Receive(r io.Reader, max int64) (*Upload, error) {
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	head = head[:n]
	if int64(n) > max {
		return nil, ErrTooLarge
	}
	kind, err := Sniff(head)
	if err != nil {
		return nil, err
	}

	if err := os.MkdirAll(s.Dir, 0o750); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(s.Dir, ".upload-*")
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	w := io.MultiWriter(tmp, h)
	if _, err := w.Write(head); err != nil {
		return nil, err
	}
	if s.Receiving != nil {
		s.Receiving()
	}
	// Copy one byte more than allowed, to tell "exactly max" from "more".
	m, err := io.Copy(w, io.LimitReader(r, max-int64(n)+1))
	if err != nil {
		return nil, err
	}
	size := int64(n) + m
	if size > max {
		return nil, ErrTooLarge
	}
	if err := tmp.Sync(); err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	info := Info{SHA256: hex.EncodeToString(h.Sum(nil)), Size: size, ContentType: kind.MIME}
	done = true
	return &Upload{Info: info, tmp: tmp.Name(), store: s.contents()}, nil
}

// KeepFunc puts a received file in the store, in the transaction tx that
// records the row referring to it (Upload.Keep).
type KeepFunc func(ctx context.Context, tx bun.IDB) error

// Keep puts the file in the store under its hash, in tx when the store is
// the database (a rollback takes it back). Identical content is stored
// once: keeping the same bytes again is harmless.
func (u *Upload) Keep(ctx context.Context, tx bun.IDB) error {
	var err error
	if d, ok := u.store.(*Disk); ok {
		err = d.move(u.tmp, u.SHA256)
	} else {
		var f *os.File
		if f, err = os.Open(u.tmp); err == nil {
			_, err = u.store.Put(ctx, tx, u.SHA256, f)
			f.Close()
		}
	}
	return err
}

// Discard removes the temporary file received; nil does nothing.
func (u *Upload) Discard() {
	if u != nil {
		os.Remove(u.tmp) // gone already if kept on Disk
	}
}

// Sniff tells the accepted kind of a content from its first bytes (as
// many as Receive reads, SniffLen), or why it is refused (*RefusedError).
func Sniff(head []byte) (Kind, error) {
	mt := mimetype.Detect(head)
	kind, ok := acceptedKind(mt)
	if ok && !bytes.HasPrefix(head, []byte(kind.Prefix)) {
		// The signature is not where the format puts it: tell what the
		// file is without it (a web page, a program…).
		mt = mimetype.Detect(bytes.ReplaceAll(head, []byte(kind.Prefix), bytes.Repeat([]byte(" "), len(kind.Prefix))))
		ok = false
	}
	if !ok {
		return Kind{}, &RefusedError{Detected: mt.String()}
	}
	return kind, nil
}

// acceptedKind matches the sniffed type, or a parent of it (an animated PNG
// is a PNG), against the allow-list.
func acceptedKind(mt *mimetype.MIME) (Kind, bool) {
	for ; mt != nil; mt = mt.Parent() {
		if k, ok := KindOf(mt.String()); ok {
			return k, true
		}
	}
	return Kind{}, false
}

// SweepAbandoned removes the temporary files of uploads older than
// olderThan: what a process stopped in the middle of an upload left
// behind. No upload lasts that long.
func (s *Store) SweepAbandoned(now time.Time, olderThan time.Duration) (int, error) {
	tmps, err := filepath.Glob(filepath.Join(s.Dir, ".upload-*"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range tmps {
		if fi, err := os.Stat(p); err == nil && fi.ModTime().Before(now.Add(-olderThan)) && os.Remove(p) == nil {
			n++
		}
	}
	return n, nil
}

// Open opens a stored content for reading; a missing one is an error
// that errors.Is os.ErrNotExist.
func (s *Store) Open(ctx context.Context, sha string) (File, error) {
	return s.contents().Open(ctx, sha)
}

// Remove deletes a stored content, in tx when the store is the database;
// the caller makes sure nothing refers to it (models.RemoveUnusedFile).
func (s *Store) Remove(ctx context.Context, tx bun.IDB, sha string) error {
	return s.contents().Remove(ctx, tx, sha)
}

// Put writes a content under its hash sha, from a backup or into one: the
// bytes must hash to sha (ErrChecksum otherwise, and nothing is kept). Its
// type was checked when it was uploaded.
func (s *Store) Put(ctx context.Context, db bun.IDB, sha string, r io.Reader) (int64, error) {
	return s.contents().Put(ctx, db, sha, r)
}
