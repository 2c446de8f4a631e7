package inbound_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/smtp"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/inbound"
	"guichet/migrations"
	"guichet/models"
	"guichet/testdb"
)

// photoMail is a reply carrying a JPEG photo of size bytes that does not
// compress (random), base64 in 76-column lines as mail clients send it.
func photoMail(from, to, id string, size int) (string, []byte) {
	photo := make([]byte, size)
	rand.NewChaCha8([32]byte{1}).Read(photo)
	copy(photo, []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00})
	b64 := base64.StdEncoding.EncodeToString(photo)
	var body strings.Builder
	for len(b64) > 76 {
		body.WriteString(b64[:76] + "\r\n")
		b64 = b64[76:]
	}
	body.WriteString(b64 + "\r\n")
	return fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Re: Poubelles\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLa photo du bac.\r\n"+
		"--b1\r\nContent-Type: image/jpeg; name=\"bac.jpg\"\r\nContent-Disposition: attachment; filename=\"bac.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s--b1--\r\n",
		from, to, id, body.String()), photo
}

// TestLargeMailStreamed: a 4 MB photo comes over SMTP; the message is
// stored in several chunks, read back byte for byte, and its photo kept
// with the very bytes sent.
func TestLargeMailStreamed(t *testing.T) { largeMailStreamed(t, newScene(t)) }

// TestLargeMailThroughTransactionPooling: the same behind PgBouncer in
// transaction pooling (DATABASE_POOLING=transaction, the cluster's), where
// a statement prepared on one server connection is unknown on the next:
// the chunks go unnamed, still binary.
func TestLargeMailThroughTransactionPooling(t *testing.T) {
	db := testdb.PgBouncer(t, 4).Open(t)
	fixture.Must(t, migrations.Migrate(context.Background(), db))
	largeMailStreamed(t, newSceneOn(t, db))
}

func largeMailStreamed(t *testing.T, s *scene) {
	ctx := context.Background()
	addr := listen(t, s.w)
	raw, photo := photoMail(s.vars["{{CITIZEN}}"], s.vars["{{REPLY}}"], "big@exemple.fr", 4<<20)
	fixture.Must(t, smtp.SendMail(addr, nil, s.vars["{{CITIZEN}}"], []string{s.vars["{{REPLY}}"]}, []byte(raw)))
	var m models.InboundMessage
	fixture.Must(t, s.w.DB.NewSelect().Model(&m).Where("commune_id = ?", s.w.Commune.ID).Scan(ctx))
	if m.Status != models.InboundThreaded || m.Size != int64(len(raw)) {
		t.Fatalf("stored %s (%s), %d bytes of %d", m.Status, m.Error, m.Size, len(raw))
	}
	chunks, err := s.w.DB.NewSelect().Table("inbound_chunks").Where("commune_id = ? AND inbound_id = ?", m.CommuneID, m.ID).Count(ctx)
	fixture.Must(t, err)
	if chunks < 10 {
		t.Fatalf("%d chunks: the message was stored whole", chunks)
	}
	rr, err := inbound.OpenRaw(ctx, s.w.DB, &m)
	fixture.Must(t, err)
	defer rr.Close()
	if back, err := io.ReadAll(rr); err != nil || string(back) != raw {
		t.Fatalf("read back %d bytes of %d: %v", len(back), len(raw), err)
	}
	var f models.ConversationFile
	fixture.Must(t, s.w.DB.NewSelect().Model(&f).Where("message_id = ?", *m.ConversationMessageID).Scan(ctx))
	sum := sha256.Sum256(photo)
	if f.Filename != "bac.jpg" || f.Size != int64(len(photo)) || f.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("photo kept as %s, %d bytes, %s", f.Filename, f.Size, f.SHA256)
	}
}

// TestTooLargeRefused: a message past inbound.MaxSize is refused with a
// French 552 while it streams; nothing of it is stored, and the session
// goes on with the next message.
func TestTooLargeRefused(t *testing.T) {
	s := newScene(t)
	addr := listen(t, s.w)
	raw, _ := photoMail(s.vars["{{CITIZEN}}"], s.vars["{{REPLY}}"], "huge@exemple.fr", inbound.MaxSize*3/4+1024)
	c, err := smtp.Dial(addr)
	fixture.Must(t, err)
	defer c.Close()
	send := func(raw string) error {
		fixture.Must(t, c.Mail(s.vars["{{CITIZEN}}"]))
		fixture.Must(t, c.Rcpt(s.vars["{{REPLY}}"]))
		w, err := c.Data()
		fixture.Must(t, err)
		if _, err := io.WriteString(w, raw); err != nil {
			return err
		}
		return w.Close()
	}
	err = send(raw)
	if err == nil || !strings.HasPrefix(err.Error(), "552") || !strings.Contains(err.Error(), "Message trop volumineux : 25 Mo au plus") {
		t.Fatalf("a message of %d bytes: %v", len(raw), err)
	}
	if n := countInbound(t, s.w); n != 0 {
		t.Fatalf("%d stored", n)
	}
	fixture.Must(t, send(reply(s, "after@exemple.fr", s.vars["{{CITIZEN}}"], "Et celui-ci, plus court.")))
	if got := statuses(t, s); got != "threaded" {
		t.Fatalf("statuses %s", got)
	}
}
