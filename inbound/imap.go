package inbound

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"guichet/models"
)

// Poller takes the mail of a mailbox hosted elsewhere (INBOUND_IMAP_URL):
// each message is stored (and threaded) before it is moved to the Done
// folder, and one already stored (the move lost to a crash) is only moved:
// none is taken twice.
type Poller struct {
	R *Receiver
	// Addr, Username, Password: the server.
	Addr, Username, Password string
	// Security is how the connection is encrypted: TLS from the first byte
	// (imaps://), STARTTLS required (imap://), or none (imap://…?tls=non,
	// for a server on the same machine).
	Security Security
	// TLS verifies the server's certificate: against the system's
	// authorities when nil, those of a file with TrustCA. Never skipped.
	TLS *tls.Config
	// Mailbox is read (INBOX by default), Done receives what was taken.
	Mailbox, Done string
	// Address is the mailbox's own: the recipient when a message names
	// none Guichet knows (a commune's public address).
	Address string
}

// Security is how a Poller encrypts its connection.
type Security int

const (
	ImplicitTLS Security = iota
	StartTLS
	NoTLS
)

// ParseIMAPURL reads INBOUND_IMAP_URL: imaps://user:password@host:993/INBOX?traite=Guichet&adresse=mairie@commune.fr
// (imap://… on port 143 with STARTTLS, required; imap://…?tls=non without
// TLS, for a server on the same machine).
func ParseIMAPURL(r *Receiver, raw string) (*Poller, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "imap" && u.Scheme != "imaps") || u.Host == "" {
		return nil, fmt.Errorf("INBOUND_IMAP_URL: expected imaps://user:password@host:993/INBOX?traite=Guichet&adresse=mairie@commune.fr")
	}
	p := &Poller{R: r, Addr: u.Host, Mailbox: strings.TrimPrefix(u.Path, "/"),
		Done: u.Query().Get("traite"), Address: u.Query().Get("adresse")}
	switch {
	case u.Scheme == "imaps":
		p.Security = ImplicitTLS
	case u.Query().Get("tls") == "non":
		p.Security = NoTLS
	default:
		p.Security = StartTLS
	}
	if u.Port() == "" {
		p.Addr += map[bool]string{true: ":993", false: ":143"}[p.Security == ImplicitTLS]
	}
	p.Username = u.User.Username()
	p.Password, _ = u.User.Password()
	if p.Mailbox == "" {
		p.Mailbox = "INBOX"
	}
	if p.Done == "" {
		p.Done = "Guichet"
	}
	if p.Address == "" {
		return nil, fmt.Errorf("INBOUND_IMAP_URL: say the mailbox's address (?adresse=mairie@commune.fr)")
	}
	return p, nil
}

// TrustCA makes the poller trust the authorities of a PEM file (a
// commune's own, or a self-signed server's certificate), instead of the
// system's (INBOUND_IMAP_CA).
func (p *Poller) TrustCA(path string) error {
	pem, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("INBOUND_IMAP_CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return fmt.Errorf("INBOUND_IMAP_CA: no PEM certificate in %s", path)
	}
	p.TLS = &tls.Config{RootCAs: pool}
	return nil
}

func (p *Poller) dial() (*imapclient.Client, error) {
	opts := &imapclient.Options{}
	if p.TLS != nil {
		opts.TLSConfig = p.TLS.Clone() // the client fills it in
	}
	switch p.Security {
	case NoTLS:
		return imapclient.DialInsecure(p.Addr, opts)
	case StartTLS:
		return imapclient.DialStartTLS(p.Addr, opts)
	}
	return imapclient.DialTLS(p.Addr, opts)
}

// RunOnce takes every message of the mailbox; it returns how many.
func (p *Poller) RunOnce(ctx context.Context) (int, error) {
	c, err := p.dial()
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if err := c.Login(p.Username, p.Password).Wait(); err != nil {
		return 0, err
	}
	c.Create(p.Done, nil).Wait() // there already, most times
	if _, err := c.Select(p.Mailbox, nil).Wait(); err != nil {
		return 0, err
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, uid := range found.AllUIDs() {
		if ctx.Err() != nil {
			break
		}
		set := imap.UIDSetNum(uid)
		sp, err := p.fetch(c, set)
		if errors.Is(err, ErrTooLarge) {
			// Left in the mailbox, for whoever reads it there; the others go on.
			p.R.Log.Warn("inbound: IMAP message larger than the limit, left in the mailbox", "uid", uid, "max", MaxSize)
			continue
		}
		if err != nil {
			return n, err
		}
		if sp == nil {
			continue // expunged meanwhile
		}
		err = p.take(ctx, sp)
		sp.Close()
		if err != nil {
			return n, err
		}
		if _, err := c.Move(set, p.Done).Wait(); err != nil {
			return n, err
		}
		n++
	}
	return n, c.Logout().Wait()
}

// fetch spools a message as it comes from the server (nil: it is gone).
func (p *Poller) fetch(c *imapclient.Client, set imap.UIDSet) (*spool, error) {
	body := &imap.FetchItemBodySection{Peek: true}
	cmd := c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{body}})
	var sp *spool
	var err error
	for msg := cmd.Next(); msg != nil && err == nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil && sp == nil && err == nil; item = msg.Next() {
			if b, ok := item.(imapclient.FetchItemDataBodySection); ok && b.Literal != nil {
				sp, err = p.R.spool(b.Literal)
			}
		}
	}
	if err = errors.Join(err, cmd.Close()); err != nil {
		if sp != nil {
			sp.Close()
		}
		return nil, err
	}
	return sp, nil
}

// take stores and threads a message, unless it was stored already.
func (p *Poller) take(ctx context.Context, sp *spool) error {
	th, _ := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(sp.head)))
	h := gomail.Header{Header: message.Header{Header: th}}
	// The recipients Guichet knows among those the headers name (a
	// reply's signed address reaches the mailbox by plus addressing).
	var to []string
	for _, k := range []string{"Delivered-To", "X-Original-To", "To", "Cc"} {
		as, _ := h.AddressList(k)
		for _, a := range as {
			if _, ok, err := p.R.Resolve(ctx, a.Address); err != nil {
				return err
			} else if ok {
				to = append(to, a.Address)
			}
		}
	}
	if len(to) == 0 {
		to = []string{p.Address}
	}
	if id := sp.messageID(); id != "" {
		t, ok, err := p.R.Resolve(ctx, to[0])
		if err != nil || !ok {
			return err
		}
		n, err := p.R.DB.NewSelect().Model((*models.InboundMessage)(nil)).Where("commune_id = ? AND message_id = ?", t.CommuneID, id).Count(ctx)
		if err != nil || n > 0 {
			return err // taken before the move was lost: only move it
		}
	}
	from := strings.Trim(strings.TrimSpace(h.Get("Return-Path")), "<>")
	if from == "" && h.Get("Return-Path") == "" {
		if as, _ := h.AddressList("From"); len(as) > 0 {
			from = as[0].Address
		}
	}
	return p.R.receive(ctx, from, to, sp)
}
