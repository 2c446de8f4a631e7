package mail_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"guichet/mail"
	"guichet/mail/mailtest"
)

func demand() mail.Message {
	return mail.Message{
		From:    "Mairie de Plassans <guichet@plassans.fr>",
		To:      "Hélène Mouret <helene@example.org>",
		Subject: "Votre demande a été transmise à la Voirie",
		// Long lines and '=' exercise quoted-printable soft breaks and escapes.
		Text:      "Bonjour,\n\nVotre demande « nid-de-poule rue de la Banne » a été transmise au service Voirie, qui vous répondra sous 15 jours.\nRéf. = D-42\n",
		HTML:      "<p>Bonjour,</p>\n<p>Votre demande a été transmise à la <b>Voirie</b>.</p>",
		MessageID: "demande-42-7@guichet.local",
		ThreadID:  "demande-42-1@guichet.local",
		Date:      time.Date(2026, 3, 14, 9, 30, 0, 0, time.FixedZone("CET", 3600)),
	}
}

func TestBuildRoundTrip(t *testing.T) {
	m := demand()
	raw, err := mail.Build(m)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range raw {
		if b > 0x7e {
			t.Fatalf("non-ASCII byte at %d, headers and bodies should be encoded:\n%s", i, raw)
		}
	}
	r, err := mailtest.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != m.Subject || r.Text != m.Text || r.HTML != m.HTML {
		t.Errorf("round trip changed the message:\nsubject %q\ntext %q\nhtml %q", r.Subject, r.Text, r.HTML)
	}
	for key, want := range map[string]string{
		"Message-ID":     "<demande-42-7@guichet.local>",
		"In-Reply-To":    "<demande-42-1@guichet.local>",
		"References":     "<demande-42-1@guichet.local>",
		"Auto-Submitted": "auto-generated",
		"MIME-Version":   "1.0",
		"From":           `"Mairie de Plassans" <guichet@plassans.fr>`,
		"Date":           "Sat, 14 Mar 2026 09:30:00 +0100",
	} {
		if got := r.Header(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if ct := r.Header("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative;") {
		t.Errorf("Content-Type = %q", ct)
	}
	if to := r.Header("To"); !strings.Contains(to, "=?utf-8?") || !strings.HasSuffix(to, "<helene@example.org>") {
		t.Errorf("To = %q, want an encoded name", to)
	}
}

func TestBuildThreadRoot(t *testing.T) {
	m := demand()
	m.ThreadID = m.MessageID
	r := build(t, m)
	if got := r.Header("In-Reply-To") + r.Header("References"); got != "" {
		t.Errorf("thread root has threading headers %q", got)
	}
}

func TestBuildDefaults(t *testing.T) {
	m := demand()
	m.MessageID, m.ThreadID, m.Date, m.HTML = "", "", time.Time{}, ""
	m.Subject = strings.Repeat("Votre demande a été transmise à la Voirie – ", 4)
	raw, err := mail.Build(m)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(raw), "\r\n") {
		// go-message only folds at the 998 hard limit (RFC 5322) when the
		// first encoded word does not fit in 76 characters.
		if len(line) > 998 {
			t.Errorf("line longer than 998 characters: %q", line)
		}
	}
	r, err := mailtest.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != m.Subject {
		t.Errorf("Subject = %q, want %q", r.Subject, m.Subject)
	}
	if id := r.Header("Message-ID"); !strings.HasSuffix(id, "@plassans.fr>") {
		t.Errorf("generated Message-ID = %q", id)
	}
	if r.Header("Date") == "" {
		t.Error("missing Date")
	}
	if r.Text != m.Text || r.HTML != "" {
		t.Errorf("text-only message: text %q html %q", r.Text, r.HTML)
	}
}

func TestBuildInvalid(t *testing.T) {
	for name, edit := range map[string]func(*mail.Message){
		"no from":      func(m *mail.Message) { m.From = "" },
		"no to":        func(m *mail.Message) { m.To = "" },
		"bad to":       func(m *mail.Message) { m.To = "helene at example.org" },
		"two to":       func(m *mail.Message) { m.To = "a@example.org, b@example.org" },
		"no body":      func(m *mail.Message) { m.Text, m.HTML = "", "" },
		"bad id":       func(m *mail.Message) { m.MessageID = "demande 42" },
		"injected id":  func(m *mail.Message) { m.ThreadID = "a@b>\r\nBcc: x@y" },
		"bracketed id": func(m *mail.Message) { m.MessageID = "<a@b>" },
	} {
		t.Run(name, func(t *testing.T) {
			m := demand()
			edit(&m)
			_, err := mail.Build(m)
			if !errors.Is(err, mail.ErrInvalidMessage) || !mail.IsPermanent(err) {
				t.Errorf("err = %v, want a permanent ErrInvalidMessage", err)
			}
		})
	}
}

func build(t *testing.T, m mail.Message) mailtest.Received {
	t.Helper()
	raw, err := mail.Build(m)
	if err != nil {
		t.Fatal(err)
	}
	r, err := mailtest.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
