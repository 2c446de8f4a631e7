package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	dialTimeout = 10 * time.Second
	sendTimeout = 30 * time.Second
)

// StartTLSPolicy says whether a smtp:// connection is upgraded with STARTTLS.
type StartTLSPolicy string

const (
	// StartTLSOpportunistic upgrades when the server offers STARTTLS.
	StartTLSOpportunistic StartTLSPolicy = "opportunistic"
	// StartTLSRequire fails when the server does not offer STARTTLS.
	StartTLSRequire StartTLSPolicy = "require"
	// StartTLSSkip never upgrades.
	StartTLSSkip StartTLSPolicy = "skip"
)

// SMTPConfig describes how to reach the SMTP server; see ParseSMTPURL.
type SMTPConfig struct {
	Host               string
	Port               int
	Username           string // AUTH PLAIN is used when set
	Password           string
	ImplicitTLS        bool           // smtps://: TLS from the first byte
	StartTLS           StartTLSPolicy // smtp:// only
	InsecureSkipVerify bool           // for self-signed test servers only
}

// String renders the config as a URL without the password, safe for logs.
func (c SMTPConfig) String() string {
	u := url.URL{Scheme: "smtp", Host: c.addr()}
	q := url.Values{}
	if c.ImplicitTLS {
		u.Scheme = "smtps"
	} else if c.StartTLS != "" {
		q.Set("starttls", string(c.StartTLS))
	}
	if c.Username != "" {
		u.User = url.User(c.Username)
	}
	if c.InsecureSkipVerify {
		q.Set("insecure_skip_verify", "true")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (c SMTPConfig) addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// ParseSMTPURL parses an SMTP_URL such as
// smtp://user:pass@host:587?starttls=require or smtps://user:pass@host:465.
// Ports default to 25 (smtp) and 465 (smtps). Query parameters:
// starttls=require|skip|opportunistic (smtp only, default opportunistic) and
// insecure_skip_verify=true.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	const hint = "expected smtp[s]://[user:password@]host[:port][?starttls=require|skip|opportunistic]"
	if strings.TrimSpace(raw) == "" {
		return SMTPConfig{}, fmt.Errorf("mail: SMTP URL is empty; %s", hint)
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, and its cause may quote part of
		// the password when a '/' or '#' in it was taken for a delimiter.
		var uerr *url.Error
		if !strings.Contains(raw, "@") && errors.As(err, &uerr) {
			return SMTPConfig{}, fmt.Errorf("mail: invalid SMTP URL: %v; %s", uerr.Err, hint)
		}
		return SMTPConfig{}, fmt.Errorf("mail: malformed SMTP URL (percent-encode special characters in user and password); %s", hint)
	}
	fail := func(format string, args ...any) (SMTPConfig, error) {
		return SMTPConfig{}, fmt.Errorf("mail: invalid SMTP URL %q: %s", u.Redacted(), fmt.Sprintf(format, args...))
	}

	var cfg SMTPConfig
	switch u.Scheme {
	case "smtp":
		cfg.Port = 25
	case "smtps":
		cfg.Port, cfg.ImplicitTLS = 465, true
	default:
		return fail("scheme must be smtp or smtps, not %q; %s", u.Scheme, hint)
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return fail("missing host; %s", hint)
	}
	if u.Path != "" && u.Path != "/" || u.Fragment != "" {
		return fail("unexpected path or fragment (percent-encode '/' and '#' in the password)")
	}
	cfg.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fail("port %q out of range", p)
		}
		cfg.Port = n
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
		if cfg.Username == "" {
			return fail("password given without a user")
		}
	}

	q := u.Query()
	for key, vals := range q {
		if len(vals) != 1 {
			return fail("parameter %q given %d times", key, len(vals))
		}
		switch v := vals[0]; key {
		case "starttls":
			if cfg.ImplicitTLS {
				return fail("starttls does not apply to smtps, which uses TLS from the start")
			}
			switch p := StartTLSPolicy(strings.ToLower(v)); p {
			case StartTLSRequire, StartTLSSkip, StartTLSOpportunistic:
				cfg.StartTLS = p
			default:
				return fail("starttls must be require, skip or opportunistic, not %q", v)
			}
		case "insecure_skip_verify":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fail("insecure_skip_verify must be true or false, not %q", v)
			}
			cfg.InsecureSkipVerify = b
		default:
			return fail("unknown parameter %q (known: starttls, insecure_skip_verify)", key)
		}
	}
	if !cfg.ImplicitTLS && cfg.StartTLS == "" {
		cfg.StartTLS = StartTLSOpportunistic
	}
	return cfg, nil
}

// SMTPSender sends each message over its own SMTP connection.
type SMTPSender struct {
	cfg  SMTPConfig
	from string
}

var _ Sender = (*SMTPSender)(nil)

// NewSMTPSender returns a Sender using from for messages without a From.
func NewSMTPSender(cfg SMTPConfig, from string) *SMTPSender {
	return &SMTPSender{cfg: cfg, from: from}
}

// Send delivers m within 30 seconds. Errors wrap the server's
// *smtp.SMTPError when there is one; see IsPermanent.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	if m.From == "" {
		// A bad default is a configuration error, fixable without touching
		// the message, so unlike an invalid message it is not permanent.
		if _, err := gomail.ParseAddress(s.from); err != nil {
			return fmt.Errorf("mail: configured sender address %q is unusable: %v", s.from, err)
		}
		m.From = s.from
	}
	raw, err := Build(m)
	if err != nil {
		return err
	}
	// Build has validated both addresses.
	from, _ := gomail.ParseAddress(m.From)
	to, _ := gomail.ParseAddress(m.To)

	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if err := s.send(ctx, from.Address, to.Address, raw, m.Accepted); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("mail: sending to %s via %s: %w: %w", to.Address, s.cfg.addr(), ctx.Err(), err)
		}
		return fmt.Errorf("mail: sending to %s via %s: %w", to.Address, s.cfg.addr(), err)
	}
	return nil
}

func (s *SMTPSender) send(ctx context.Context, from, to string, raw []byte, accepted func()) error {
	c, err := s.connect(ctx)
	if err != nil {
		return err
	}
	defer c.Close()

	if s.cfg.Username != "" {
		if _, isTLS := c.TLSConnectionState(); !isTLS && !isLoopback(s.cfg.Host) {
			return errors.New("refusing to send credentials without TLS; use smtps:// or starttls=require")
		}
		if err := c.Auth(sasl.NewPlainClient("", s.cfg.Username, s.cfg.Password)); err != nil {
			return fmt.Errorf("authentication: %w", err)
		}
	}
	if err := c.SendMail(from, []string{to}, bytes.NewReader(raw)); err != nil {
		return err
	}
	// The server has accepted the message: the caller records it before the
	// session ends, and failing now would make the caller send it twice.
	if accepted != nil {
		accepted()
	}
	_ = c.Quit()
	return nil
}

// connect dials and greets the server, upgrading to TLS per configuration.
func (s *SMTPSender) connect(ctx context.Context) (*smtp.Client, error) {
	tlsConfig := &tls.Config{
		ServerName:         s.cfg.Host,
		InsecureSkipVerify: s.cfg.InsecureSkipVerify,
		MinVersion:         tls.VersionTLS12,
	}
	conn, err := s.dial(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case s.cfg.ImplicitTLS:
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("TLS handshake: %w", err)
		}
		return smtp.NewClient(tc), nil
	case s.cfg.StartTLS == StartTLSRequire:
		return smtp.NewClientStartTLS(conn, tlsConfig)
	case s.cfg.StartTLS == StartTLSSkip:
		return smtp.NewClient(conn), nil
	}
	// go-smtp cannot upgrade an existing client, so opportunistic STARTTLS
	// probes with a first connection and redials when STARTTLS is offered.
	c := smtp.NewClient(conn)
	if ok, _ := c.Extension("STARTTLS"); !ok {
		return c, nil // a failed greeting resurfaces on the next command
	}
	_ = c.Quit()
	c.Close()
	if conn, err = s.dial(ctx); err != nil {
		return nil, err
	}
	return smtp.NewClientStartTLS(conn, tlsConfig)
}

// dial connects to the server; the connection is closed when ctx ends, which
// bounds every later SMTP exchange since go-smtp takes no context.
func (s *SMTPSender) dial(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", s.cfg.addr())
	if err != nil {
		return nil, err
	}
	context.AfterFunc(ctx, func() { conn.Close() })
	return conn, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IsPermanent reports whether retrying err is pointless: the server replied
// with a 5xx code, or the message itself is invalid. Network errors, timeouts
// and 4xx replies are temporary.
func IsPermanent(err error) bool {
	var serr *smtp.SMTPError
	if errors.As(err, &serr) {
		return serr.Code >= 500 && serr.Code < 600
	}
	return errors.Is(err, ErrInvalidMessage)
}
