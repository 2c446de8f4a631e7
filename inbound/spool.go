package inbound

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/uptrace/bun"

	"guichet/models"
)

// ErrTooLarge is a message larger than MaxSize: refused (SMTP 552) as soon
// as its bytes pass the limit, nothing of it stored.
var ErrTooLarge = errors.New("inbound: message larger than MaxSize")

// chunkSize is how much of a message's gzipped bytes one row of
// inbound_chunks holds: what is in memory at a time, storing or reading.
const chunkSize = 256 << 10

// headLen is how much of a message is kept in memory as it is read: its
// header, for the recipients and the Message-ID before it is parsed.
const headLen = 64 << 10

// spool is a message received, gzipped into an unlinked temporary file as
// it is read: the file goes with the process (a kill leaves nothing behind)
// and the message is in memory only a buffer at a time.
type spool struct {
	f    *os.File
	head []byte
	size int64 // uncompressed
}

// newSpool reads body whole into a spool in dir, refusing it (ErrTooLarge)
// once more than MaxSize bytes have come.
func newSpool(dir string, body io.Reader) (*spool, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".inbound-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name()) // the open file stays readable until closed
	s := &spool{f: f}
	// The fastest level: most of a large mail is base64 of files already
	// compressed, which no level shrinks much, and the sender waits.
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	n, err := io.Copy(io.MultiWriter(zw, (*headWriter)(s)), io.LimitReader(body, MaxSize+1))
	s.size = n
	if err == nil && n > MaxSize {
		err = ErrTooLarge
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// headWriter keeps the first headLen bytes written.
type headWriter spool

func (h *headWriter) Write(p []byte) (int, error) {
	if room := headLen - len(h.head); room > 0 {
		h.head = append(h.head, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (s *spool) Close() error { return s.f.Close() }

// messageID is the Message-ID header, read from the head.
func (s *spool) messageID() string {
	return headerMessageID(s.head)
}

// store writes the gzipped message as m's chunks, in tx. The bytes go as
// a binary parameter (models.PreparedMode), not
// hex-encoded into the query's text as bun and the simple protocol would.
func (s *spool) store(ctx context.Context, tx bun.Tx, m *models.InboundMessage) error {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	buf := make([]byte, chunkSize)
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(s.f, buf)
		if n > 0 {
			if _, err := tx.Tx.ExecContext(ctx, "INSERT INTO inbound_chunks (commune_id, inbound_id, seq, data) VALUES ($1, $2, $3, $4)",
				models.PreparedMode(tx.NewSelect().DB()), m.CommuneID, m.ID, seq, buf[:n]); err != nil {
				return err
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// OpenRaw reads a stored message as received, a chunk at a time.
func OpenRaw(ctx context.Context, db *bun.DB, m *models.InboundMessage) (io.ReadCloser, error) {
	zr, err := gzip.NewReader(bufio.NewReaderSize(&chunkReader{ctx: ctx, db: db, m: m}, chunkSize))
	if err != nil {
		return nil, fmt.Errorf("inbound: message %d: %w", m.ID, err)
	}
	return zr, nil
}

// chunkReader reads a message's chunks in order, one query each (no
// connection held while the message is parsed), in binary like store.
type chunkReader struct {
	ctx context.Context
	db  *bun.DB
	m   *models.InboundMessage
	seq int
	buf *bytes.Reader
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for c.buf == nil || c.buf.Len() == 0 {
		var data []byte
		err := c.db.DB.QueryRowContext(c.ctx, "SELECT data FROM inbound_chunks WHERE commune_id = $1 AND inbound_id = $2 AND seq = $3",
			models.PreparedMode(c.db), c.m.CommuneID, c.m.ID, c.seq).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, io.EOF
		}
		if err != nil {
			return 0, err
		}
		c.buf, c.seq = bytes.NewReader(data), c.seq+1
	}
	return c.buf.Read(p)
}
