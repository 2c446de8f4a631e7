// Package mailtest runs an in-process SMTP server that records what it
// receives, for tests.
package mailtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"
)

// Server is an SMTP server on 127.0.0.1 without TLS nor authentication.
type Server struct {
	Addr string // 127.0.0.1:port

	mu       sync.Mutex
	msgs     []Received
	arrived  chan struct{} // closed and replaced on each arrival
	down     bool
	rejected map[string]bool
	before   map[string]func()
}

// Received is one message accepted by the server.
type Received struct {
	From    string   // envelope sender
	To      []string // envelope recipients
	Raw     []byte
	Subject string // decoded
	Text    string // decoded text/plain body, line breaks as "\n"
	HTML    string // decoded text/html body, line breaks as "\n"

	header gomail.Header
}

// Header returns the first raw value of the header field key, like
// textproto.MIMEHeader.Get; e.g. Header("Message-ID") includes the brackets.
func (r Received) Header(key string) string {
	return r.header.Get(key)
}

// Start starts a server listening on 127.0.0.1, closed at tb's cleanup.
func Start(tb testing.TB) *Server {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("mailtest: listen: %v", err)
	}
	s := &Server{
		Addr:     l.Addr().String(),
		arrived:  make(chan struct{}),
		rejected: map[string]bool{},
		before:   map[string]func(){},
	}
	logger := &tbLogger{tb: tb}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{srv: s}, nil
	}))
	srv.Domain = "mailtest.local"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = logger
	served := make(chan struct{})
	go func() {
		defer close(served)
		if err := srv.Serve(hookListener{l, s}); err != nil {
			logger.Printf("mailtest: serve: %v", err)
		}
	}()
	tb.Cleanup(func() {
		logger.stop()
		srv.Close()
		// Server.Close misses a listener that Serve has not registered yet.
		l.Close()
		<-served
	})
	return s
}

// URL returns the SMTP_URL to reach the server.
func (s *Server) URL() string {
	return "smtp://" + s.Addr + "?starttls=skip"
}

// Messages returns copies of the received messages, in arrival order.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Received, len(s.msgs))
	for i, m := range s.msgs {
		m.To = append([]string(nil), m.To...)
		m.Raw = bytes.Clone(m.Raw)
		out[i] = m
	}
	return out
}

// WaitFor waits until at least n messages have arrived and returns them all;
// it fails the test, listing what did arrive, after timeout.
func (s *Server) WaitFor(tb testing.TB, n int, timeout time.Duration) []Received {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.msgs), s.arrived
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-arrived:
		case <-deadline.C:
			var b strings.Builder
			for _, m := range s.Messages() {
				fmt.Fprintf(&b, "\n  to %v: %q", m.To, m.Subject)
			}
			tb.Fatalf("mailtest: got %d message(s) after %v, want %d:%s", got, timeout, n, b.String())
			return nil
		}
	}
}

// SetDown makes the server refuse every new transaction with a 421 reply to
// MAIL FROM, as an overloaded or unavailable server would. Connections are
// kept open: go-smtp offers no way to refuse at the greeting.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// RejectRecipient makes the server refuse addr with a permanent 550 reply.
func (s *Server) RejectRecipient(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected[strings.ToLower(addr)] = true
}

// Before makes fn run each time a client sends the command cmd ("DATA",
// "QUIT"…), before the server handles it: the client waits for its reply
// meanwhile, so fn sees the client's state at that point of the exchange.
func (s *Server) Before(cmd string, fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.before[strings.ToUpper(cmd)] = fn
}

// Reset forgets the received messages and undoes SetDown, RejectRecipient
// and Before.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs, s.down = nil, false
	clear(s.rejected)
	clear(s.before)
}

// hookListener runs the Before hooks: a client sends a command and waits
// for the reply, so a command comes in a read of its own.
type hookListener struct {
	net.Listener
	srv *Server
}

func (l hookListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return hookConn{c, l.srv}, nil
}

type hookConn struct {
	net.Conn
	srv *Server
}

func (c hookConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	line, _, _ := strings.Cut(string(p[:n]), "\r\n")
	cmd, _, _ := strings.Cut(line, " ")
	c.srv.mu.Lock()
	fn := c.srv.before[strings.ToUpper(cmd)]
	c.srv.mu.Unlock()
	if fn != nil {
		fn()
	}
	return n, err
}

func (s *Server) add(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

type session struct {
	srv  *Server
	from string
	to   []string
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.srv.mu.Lock()
	down := ss.srv.down
	ss.srv.mu.Unlock()
	if down {
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Service not available (mailtest down)"}
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.srv.mu.Lock()
	rejected := ss.srv.rejected[strings.ToLower(to)]
	ss.srv.mu.Unlock()
	if rejected {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Mailbox unavailable (mailtest rejected)"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec, err := Parse(raw)
	if err != nil {
		// Refusing makes a malformed message fail the sending test visibly.
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest cannot parse message: " + err.Error()}
	}
	rec.From, rec.To = ss.from, append([]string(nil), ss.to...)
	ss.srv.add(rec)
	return nil
}

func (ss *session) Reset() {
	ss.from, ss.to = "", nil
}

func (ss *session) Logout() error {
	return nil
}

// Parse decodes a raw message the way the server does, without the envelope.
func Parse(raw []byte) (Received, error) {
	mr, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		return Received{}, err
	}
	rec := Received{Raw: raw, header: mr.Header}
	if rec.Subject, err = mr.Header.Subject(); err != nil {
		return Received{}, fmt.Errorf("subject: %w", err)
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Received{}, err
		}
		h, ok := p.Header.(*gomail.InlineHeader)
		if !ok {
			continue // attachments are not decoded
		}
		body, err := io.ReadAll(p.Body)
		if err != nil {
			return Received{}, err
		}
		text := strings.ReplaceAll(string(body), "\r\n", "\n")
		switch ct, _, _ := h.ContentType(); ct {
		case "text/plain", "": // RFC 2045 default
			rec.Text = text
		case "text/html":
			rec.HTML = text
		}
	}
	return rec, nil
}

// tbLogger forwards server errors to the test log until the test ends, after
// which testing.TB.Logf would panic.
type tbLogger struct {
	mu      sync.Mutex
	tb      testing.TB
	stopped bool
}

func (l *tbLogger) Printf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.tb.Logf(format, v...)
	}
}

func (l *tbLogger) Println(v ...any) {
	l.Printf("%s", fmt.Sprintln(v...))
}

func (l *tbLogger) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}
