package inbound_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"guichet/fixture"
	"guichet/inbound"
	"guichet/models"
)

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return int64(l.Len()) }

// TestIMAPPoller takes the corpus from an in-process IMAP server: each
// message lands as over SMTP, is moved to the done folder, and none is
// taken twice, a message whose move was lost included.
func TestIMAPPoller(t *testing.T) {
	s := newScene(t)
	ctx := context.Background()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("mairie", "secret")
	fixture.Must(t, user.Create("INBOX", nil))
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		InsecureAuth: true, Caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	fixture.Must(t, err)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	paths, err := filepath.Glob("testdata/corpus/*.eml")
	fixture.Must(t, err)
	sort.Strings(paths)
	raws := map[string]string{}
	appendMail := func(raw string) {
		_, err := user.Append("INBOX", literal{bytes.NewReader([]byte(raw))}, &imap.AppendOptions{})
		fixture.Must(t, err)
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".eml")
		b, err := os.ReadFile(p)
		fixture.Must(t, err)
		raw := s.expand(string(b), name+"@client.test")
		if orig, ok := strings.CutPrefix(string(b), "DUP:"); ok {
			raw = raws[strings.TrimSpace(orig)]
		}
		raws[name] = raw
		ret := "Return-Path: <" + s.vars["{{CITIZEN}}"] + ">\r\n"
		if strings.Contains(name, "bounce") {
			ret = "Return-Path: <>\r\n"
		}
		appendMail(ret + raw)
	}
	p, err := inbound.ParseIMAPURL(s.w.App.Inbound, "imap://mairie:secret@"+ln.Addr().String()+"/INBOX?tls=non&traite=Guichet&adresse="+s.w.Commune.Email)
	fixture.Must(t, err)
	n, err := p.RunOnce(ctx)
	fixture.Must(t, err)
	if n != len(paths) {
		t.Fatalf("took %d of %d", n, len(paths))
	}
	for name, want := range corpus {
		if want.status == models.InboundDuplicate {
			continue // the same Message-ID as another: stored once (below)
		}
		var m models.InboundMessage
		fixture.Must(t, s.w.DB.NewSelect().Model(&m).Where("commune_id = ? AND message_id = ?", s.w.Commune.ID, name+"@client.test").Scan(ctx))
		if m.Status != want.status {
			t.Errorf("%s: %s (%s), want %s", name, m.Status, m.Error, want.status)
		}
		if want.in == inMain && (m.ConversationID == nil || *m.ConversationID != s.cv.ID) {
			t.Errorf("%s: conversation %v, want %d", name, m.ConversationID, s.cv.ID)
		}
	}
	stored := countInbound(t, s.w)
	if stored != int64(len(paths)-2) {
		t.Errorf("%d stored, want %d (the two copies not taken twice)", stored, len(paths)-2)
	}
	// Moved, all of them; the move of one lost to a crash: it is back in
	// the inbox, and only moved again.
	appendMail(raws["01-gmail-reply"])
	n, err = p.RunOnce(ctx)
	fixture.Must(t, err)
	if n != 1 || countInbound(t, s.w) != stored {
		t.Fatalf("second run took %d, stored %d", n, countInbound(t, s.w)-stored)
	}
	for box, want := range map[string]uint32{"INBOX": 0, "Guichet": uint32(len(paths) + 1)} {
		st, err := user.Status(box, &imap.StatusOptions{NumMessages: true})
		fixture.Must(t, err)
		if *st.NumMessages != want {
			t.Errorf("%s holds %d, want %d", box, *st.NumMessages, want)
		}
	}
}
