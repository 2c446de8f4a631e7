package inbound

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/url"
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
	// Addr, Username, Password: the server; TLS from the first byte unless Insecure.
	Addr, Username, Password string
	Insecure                 bool
	// Mailbox is read (INBOX by default), Done receives what was taken.
	Mailbox, Done string
	// Address is the mailbox's own: the recipient when a message names
	// none Guichet knows (a commune's public address).
	Address string
}

// ParseIMAPURL reads INBOUND_IMAP_URL: imaps://user:password@host:993/INBOX?traite=Guichet&adresse=mairie@commune.fr
// (imap:// without TLS, for a server on the same machine).
func ParseIMAPURL(r *Receiver, raw string) (*Poller, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "imap" && u.Scheme != "imaps") || u.Host == "" {
		return nil, fmt.Errorf("INBOUND_IMAP_URL: expected imaps://user:password@host:993/INBOX?traite=Guichet&adresse=mairie@commune.fr")
	}
	p := &Poller{R: r, Addr: u.Host, Insecure: u.Scheme == "imap", Mailbox: strings.TrimPrefix(u.Path, "/"),
		Done: u.Query().Get("traite"), Address: u.Query().Get("adresse")}
	if u.Port() == "" {
		p.Addr += map[bool]string{true: ":143", false: ":993"}[p.Insecure]
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

// RunOnce takes every message of the mailbox; it returns how many.
func (p *Poller) RunOnce(ctx context.Context) (int, error) {
	dial := imapclient.DialTLS
	if p.Insecure {
		dial = imapclient.DialInsecure
	}
	c, err := dial(p.Addr, nil)
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
	body := &imap.FetchItemBodySection{Peek: true}
	for _, uid := range found.AllUIDs() {
		if ctx.Err() != nil {
			break
		}
		set := imap.UIDSetNum(uid)
		msgs, err := c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{body}}).Collect()
		if err != nil || len(msgs) == 0 {
			return n, err
		}
		if err := p.take(ctx, msgs[0].FindBodySection(body)); err != nil {
			return n, err
		}
		if _, err := c.Move(set, p.Done).Wait(); err != nil {
			return n, err
		}
		n++
	}
	return n, c.Logout().Wait()
}

// take stores and threads a message, unless it was stored already.
func (p *Poller) take(ctx context.Context, raw []byte) error {
	th, _ := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
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
	if id := headerMessageID(raw); id != "" {
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
	return p.R.Receive(ctx, from, to, raw)
}
