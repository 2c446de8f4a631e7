package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/smtp"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"guichet/inbound"
)

// inboundMail measures the mail received over a real SMTP session: stored
// and threaded (a new conversation in the commune's general inbox, each
// from its own sender), against the same sessions to a listener that
// accepts and discards them (the floor).
func (b *bed) inboundMail(ctx context.Context) error {
	const floorName, name = "inbound: SMTP accept and discard (floor)", "inbound: SMTP mail stored and threaded"
	if b.o.Inbound == nil || (!b.want(floorName) && !b.want(name)) {
		return nil
	}
	discard := gosmtp.NewServer(discardBackend{})
	discard.Domain, discard.MaxMessageBytes = "bench.test", inbound.MaxSize
	real := inbound.NewServer(b.o.Inbound, "bench.test", false)
	run := time.Now().UnixNano()
	for _, m := range []struct {
		name string
		srv  interface {
			Serve(net.Listener) error
			Close() error
		}
	}{{floorName, discard}, {name, real.Server}} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		go m.srv.Serve(ln)
		addr := ln.Addr().String()
		err = b.latency(ctx, m.name, func(ctx context.Context, i int) error {
			from := fmt.Sprintf("usager-%d-%d@bench.test", run, i)
			msg := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Question %d\r\nMessage-ID: <%d.%d@bench.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour,\r\nla mairie est-elle ouverte samedi matin ?\r\n\r\n-- \r\nUn usager\r\n",
				from, b.commune.Email, i, run, i)
			return smtp.SendMail(addr, nil, from, []string{b.commune.Email}, []byte(msg))
		})
		m.srv.Close()
		if err != nil {
			return err
		}
	}
	var floor, got *Result
	for i := range b.results {
		switch b.results[i].Name {
		case floorName:
			floor = &b.results[i]
		case name:
			got = &b.results[i]
		}
	}
	if floor != nil && got != nil && floor.PerSec > 0 {
		fmt.Fprintf(b.o.Out, "  %-56s %.0f%% of the floor\n", "inbound: stored and threaded", 100*got.PerSec/floor.PerSec)
	}
	return nil
}

type discardBackend struct{}

func (discardBackend) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return discardSession{}, nil }

type discardSession struct{}

func (discardSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (discardSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (discardSession) Data(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}
func (discardSession) Reset()        {}
func (discardSession) Logout() error { return nil }
