package inbound_test

import (
	"context"
	"fmt"
	"io"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guichet/files"
	"guichet/fixture"
	"guichet/inbound"
	"guichet/models"
)

func reply(s *scene, id, from, body string) string {
	return fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Re: Poubelles\r\nMessage-ID: <%s>\r\n\r\n%s\r\n", from, s.vars["{{REPLY}}"], id, body)
}

func statuses(t *testing.T, s *scene) string {
	var st []string
	fixture.Must(t, s.w.DB.NewSelect().Model((*models.InboundMessage)(nil)).Column("status").Where("commune_id = ?", s.w.Commune.ID).Order("id").Scan(context.Background(), &st))
	return strings.Join(st, ",")
}

// TestAcknowledgedOnlyOnceStored: a message the database cannot store is
// refused for now (451), never acknowledged; a sender retrying after a
// crash between the store and the acknowledgement gets one message, not two.
func TestAcknowledgedOnlyOnceStored(t *testing.T) {
	s := newScene(t)
	ctx := context.Background()
	addr := listen(t, s.w)
	fixture.Must(t, execSQL(s, `CREATE FUNCTION refuse_inbound() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'disk full'; END$$;
CREATE TRIGGER refuse_inbound BEFORE INSERT ON inbound_messages FOR EACH ROW EXECUTE FUNCTION refuse_inbound()`))
	raw := reply(s, "k1@exemple.fr", s.vars["{{CITIZEN}}"], "Toujours rien ramassé.")
	err := smtp.SendMail(addr, nil, s.vars["{{CITIZEN}}"], []string{s.vars["{{REPLY}}"]}, []byte(raw))
	if err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("not stored, yet: %v", err)
	}
	fixture.Must(t, execSQL(s, `DROP TRIGGER refuse_inbound ON inbound_messages`))
	// Stored, then the process dies before threading and acknowledging it.
	_, err = s.w.App.Inbound.Deliver(ctx, s.vars["{{CITIZEN}}"], []string{s.vars["{{REPLY}}"]}, strings.NewReader(raw))
	fixture.Must(t, err)
	// The sender retries; the first copy, replayed after the restart, is a duplicate.
	fixture.Must(t, smtp.SendMail(addr, nil, s.vars["{{CITIZEN}}"], []string{s.vars["{{REPLY}}"]}, []byte(raw)))
	var first models.InboundMessage
	fixture.Must(t, s.w.DB.NewSelect().Model(&first).Where("commune_id = ?", s.w.Commune.ID).Order("id").Limit(1).Scan(ctx))
	_, err = s.w.App.Inbound.Replay(ctx, s.w.Commune.ID, first.ID)
	fixture.Must(t, err)
	if got := statuses(t, s); got != "duplicate,threaded" {
		t.Fatalf("statuses %s", got)
	}
	n, err := s.w.DB.NewSelect().Model((*models.Message)(nil)).Where("mail_id = ?", "k1@exemple.fr").Count(ctx)
	fixture.Must(t, err)
	if n != 1 {
		t.Fatalf("%d messages", n)
	}
}

func execSQL(s *scene, q string) error {
	_, err := s.w.DB.ExecContext(context.Background(), q)
	return err
}

// TestReplayAfterAFailure: a message whose reading failed (the file store
// unavailable) stays stored, with its error, and is threaded by a replay.
func TestReplayAfterAFailure(t *testing.T) {
	s := newScene(t)
	ctx := context.Background()
	rc := s.w.App.Inbound
	good := rc.Files
	blocked := filepath.Join(t.TempDir(), "file")
	fixture.Must(t, os.WriteFile(blocked, nil, 0o600))
	rc.Files = &files.Store{Dir: filepath.Join(blocked, "uploads")} // a file where a folder should be
	b, err := os.ReadFile("testdata/corpus/11-attachment-pdf.eml")
	fixture.Must(t, err)
	raw := s.expand(string(b), "replay@client.test")
	fixture.Must(t, rc.Receive(ctx, s.vars["{{CITIZEN}}"], []string{s.vars["{{REPLY}}"]}, strings.NewReader(raw)))
	var m models.InboundMessage
	fixture.Must(t, s.w.DB.NewSelect().Model(&m).Where("commune_id = ?", s.w.Commune.ID).Scan(ctx))
	if m.Status != models.InboundStored || m.Error == "" {
		t.Fatalf("after the failure: %s %q", m.Status, m.Error)
	}
	rc.Files = good
	got, err := rc.Replay(ctx, s.w.Commune.ID, m.ID)
	fixture.Must(t, err)
	if got.Status != models.InboundThreaded || got.Error != "" || got.ConversationMessageID == nil {
		t.Fatalf("replayed: %s %q", got.Status, got.Error)
	}
	rr, err := inbound.OpenRaw(ctx, s.w.DB, got)
	fixture.Must(t, err)
	defer rr.Close()
	if raw2, err := io.ReadAll(rr); err != nil || string(raw2) != raw {
		t.Fatalf("raw kept: %v", err)
	}
}

// TestHeldThenAccepted: a stranger's answer is held, then, accepted by an
// agent, shown with its author's address.
func TestHeldThenAccepted(t *testing.T) {
	s := newScene(t)
	ctx := context.Background()
	rc := s.w.App.Inbound
	fixture.Must(t, rc.Receive(ctx, "voisin@exemple.fr", []string{s.vars["{{REPLY}}"]}, strings.NewReader(reply(s, "h1@exemple.fr", "Dominique <voisin@exemple.fr>", "Camille est malade, je réponds pour elle."))))
	var m models.InboundMessage
	fixture.Must(t, s.w.DB.NewSelect().Model(&m).Where("commune_id = ?", s.w.Commune.ID).Scan(ctx))
	if m.Status != models.InboundHeld {
		t.Fatalf("status %s", m.Status)
	}
	got, err := rc.Accept(ctx, s.w.Commune.ID, m.ID)
	fixture.Must(t, err)
	msg := messageOf(t, s.w, s.cv.ID, *got.ConversationMessageID)
	if msg.AuthorName != "Dominique <voisin@exemple.fr>" || !strings.Contains(msg.Body, "je réponds pour elle") {
		t.Fatalf("accepted as %q: %q", msg.AuthorName, msg.Body)
	}
	if _, err := rc.Accept(ctx, s.w.Commune.ID, m.ID); err == nil {
		t.Fatal("accepted twice")
	}
}

// TestNewConversationsPerSenderLimited: a sender opens at most
// inbound.OpenPerHour conversations an hour by mail; the next are kept, refused.
func TestNewConversationsPerSenderLimited(t *testing.T) {
	s := newScene(t)
	ctx := context.Background()
	for i := range inbound.OpenPerHour + 2 {
		raw := fmt.Sprintf("From: spam@exemple.fr\r\nTo: %s\r\nSubject: Offre %d\r\nMessage-ID: <s%d@exemple.fr>\r\n\r\nAchetez.\r\n", s.vars["{{COMMUNE}}"], i, i)
		fixture.Must(t, s.w.App.Inbound.Receive(ctx, "spam@exemple.fr", []string{s.vars["{{COMMUNE}}"]}, strings.NewReader(raw)))
	}
	want := strings.Repeat("threaded,", inbound.OpenPerHour) + "refused,refused"
	if got := statuses(t, s); got != want {
		t.Fatalf("statuses %s, want %s", got, want)
	}
}
