// Package mail composes notification e-mails and sends them over SMTP.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"
)

// ErrInvalidMessage is wrapped by errors for messages that can never be sent
// as they are, so that IsPermanent reports them and callers stop retrying.
var ErrInvalidMessage = errors.New("invalid message")

// Message is one notification e-mail to a single recipient.
type Message struct {
	From      string // "Mairie de Plassans <guichet@plassans.fr>"; the sender's default if empty
	To        string // single recipient, bare or with a display name
	Subject   string
	Text      string // plain text body
	HTML      string // HTML body
	MessageID string // without angle brackets; generated if empty
	ThreadID  string // Message-ID of the thread's root, without angle brackets
	ReplyTo   string // where answers go, when not to From
	Date      time.Time
	// Accepted, if set, is called as soon as the server has accepted the
	// message, before the session is closed: the caller records the delivery
	// there, so that a crash between acceptance and record, which would send
	// the message again, has as little time as possible to happen.
	Accepted func()
}

// Sender delivers messages. Send returns nil if and only if the server
// accepted the message, after calling its Accepted.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Build renders m as an RFC 5322 message: multipart/alternative with the
// non-empty bodies, UTF-8 and quoted-printable, RFC 2047 encoded headers.
func Build(m Message) ([]byte, error) {
	from, err := parseAddress("From", m.From)
	if err != nil {
		return nil, err
	}
	to, err := parseAddress("To", m.To)
	if err != nil {
		return nil, err
	}
	if m.Text == "" && m.HTML == "" {
		return nil, invalid("no body")
	}
	for _, id := range []string{m.MessageID, m.ThreadID} {
		if id != "" && !validMsgID(id) {
			return nil, invalid("malformed message ID %q", id)
		}
	}

	var h gomail.Header
	h.SetAddressList("From", []*gomail.Address{from})
	h.SetAddressList("To", []*gomail.Address{to})
	h.SetSubject(m.Subject)
	if m.ReplyTo != "" {
		rt, err := parseAddress("Reply-To", m.ReplyTo)
		if err != nil {
			return nil, err
		}
		h.SetAddressList("Reply-To", []*gomail.Address{rt})
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	h.SetDate(date)
	if m.MessageID != "" {
		h.SetMessageID(m.MessageID)
	} else if err := h.GenerateMessageIDWithHostname(domain(from.Address)); err != nil {
		return nil, fmt.Errorf("mail: generating Message-ID: %w", err)
	}
	if m.ThreadID != "" && m.ThreadID != m.MessageID {
		h.SetMsgIDList("In-Reply-To", []string{m.ThreadID})
		h.SetMsgIDList("References", []string{m.ThreadID})
	}
	// Tells auto-responders (out of office…) not to reply (RFC 3834).
	h.Set("Auto-Submitted", "auto-generated")

	var buf bytes.Buffer
	w, err := gomail.CreateInlineWriter(&buf, h)
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	// Simplest representation first, as multipart/alternative requires.
	for _, part := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		if part.body == "" {
			continue
		}
		var ph gomail.InlineHeader
		ph.SetContentType(part.typ, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, fmt.Errorf("mail: %w", err)
		}
		if _, err := io.WriteString(pw, part.body); err != nil {
			return nil, fmt.Errorf("mail: %w", err)
		}
		if err := pw.Close(); err != nil {
			return nil, fmt.Errorf("mail: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return buf.Bytes(), nil
}

func parseAddress(field, s string) (*gomail.Address, error) {
	if strings.TrimSpace(s) == "" {
		return nil, invalid("missing %s address", field)
	}
	a, err := gomail.ParseAddress(s)
	if err != nil {
		return nil, invalid("bad %s address %q: %v", field, s, err)
	}
	return a, nil
}

// validMsgID rejects IDs that would break the header they are written into.
func validMsgID(id string) bool {
	left, right, ok := strings.Cut(id, "@")
	return ok && left != "" && right != "" && !strings.ContainsAny(id, " \t\r\n<>\"")
}

func domain(addr string) string {
	return addr[strings.LastIndexByte(addr, '@')+1:]
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("mail: %w: %s", ErrInvalidMessage, fmt.Sprintf(format, args...))
}
