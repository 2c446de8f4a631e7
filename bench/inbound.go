package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
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

// inboundMemory measures the peak memory of a `guichet serve` process (its
// own, VmHWM, not this one's) receiving large messages over real SMTP
// sessions, smallest first: a message streams to the store as it comes,
// so the peak must not grow with the size. Each message is a photo that
// does not compress (random bytes), base64, each from a sender of its own:
// stored, parsed, the photo checked and kept, a new conversation opened.
// The server runs with Go's default GOGC=100, not serve's 400, so that its
// peak follows what the messages hold, not the heap's headroom.
func (b *bed) inboundMemory(ctx context.Context) error {
	sizes := []struct {
		label string
		size  int
	}{{"1 MB", 1 << 20}, {"10 MB", 10 << 20}, {"25 MB", inbound.MaxSize - 64<<10}}
	name := func(label string) string { return "inbound: SMTP " + label + " mails, server peak memory" }
	wanted := false
	for _, sz := range sizes {
		wanted = wanted || b.want(name(sz.label))
	}
	if !wanted {
		return nil
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	srv, err := startServer(ctx, b.o.Guichet, b.o.DSN, b.o.ServerMemLimit, "INBOUND_ADDR="+addr, "GOGC=100")
	if err != nil {
		return err
	}
	defer srv.stop()
	const perSize = 5
	run := time.Now().UnixNano()
	for _, sz := range sizes {
		if !b.want(name(sz.label)) {
			continue
		}
		msg := photoMail(sz.size)
		before, _ := srv.memory()
		srv.resetPeak()
		var lat []time.Duration
		start := time.Now()
		for i := range perSize {
			from := fmt.Sprintf("photo-%d-%d-%d@bench.test", run, sz.size, i)
			head := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Photo %d\r\nMessage-ID: <p%d.%d.%d@bench.test>\r\n", from, b.commune.Email, i, run, sz.size, i)
			t := time.Now()
			if err := smtp.SendMail(addr, nil, from, []string{b.commune.Email}, append([]byte(head), msg...)); err != nil {
				return fmt.Errorf("%s: %w", name(sz.label), err)
			}
			lat = append(lat, time.Since(t))
		}
		r := summarize(name(sz.label), lat, time.Since(start))
		_, peak := srv.memory()
		r.Note = fmt.Sprintf("%d bytes each; server (GOGC=100) memory %s before, peak %s", len(msg), before, peak)
		b.add(r)
	}
	return nil
}

// photoMail is the rest of a mail (after From, To, Subject, Message-ID)
// about size bytes long: a line of text and a JPEG photo that does not
// compress, base64 in 76-column lines.
func photoMail(size int) []byte {
	const text = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Bonjour, voici la photo du trottoir.\r\n--b1\r\nContent-Type: image/jpeg; name=\"trottoir.jpg\"\r\n" +
		"Content-Disposition: attachment; filename=\"trottoir.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	photo := make([]byte, (size-len(text)-512)/78*57)
	rand.NewChaCha8([32]byte{7}).Read(photo)
	copy(photo, jpeg(16))
	var b bytes.Buffer
	b.Grow(size)
	b.WriteString(text)
	enc := base64.StdEncoding
	line := make([]byte, enc.EncodedLen(57))
	for len(photo) > 0 {
		n := min(57, len(photo))
		enc.Encode(line, photo[:n])
		b.Write(line[:enc.EncodedLen(n)])
		b.WriteString("\r\n")
		photo = photo[n:]
	}
	b.WriteString("--b1--\r\n")
	return b.Bytes()
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
