package inbound

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/emersion/go-smtp"
)

// Server is the SMTP (or LMTP) listener a commune's MX or Postfix relays to.
type Server struct {
	*smtp.Server
}

// NewServer makes the listener, for SMTP or, lmtp, LMTP; domain is the name
// it greets with.
func NewServer(r *Receiver, domain string, lmtp bool) *Server {
	s := smtp.NewServer(&backend{r: r})
	s.Domain, s.LMTP = domain, lmtp
	s.MaxMessageBytes, s.MaxRecipients = MaxSize, 50
	s.ReadTimeout, s.WriteTimeout = 5*time.Minute, time.Minute
	return &Server{Server: s}
}

// OfferTLS makes the listener offer STARTTLS with this certificate (PEM,
// its chain first) and key.
func (s *Server) OfferTLS(certFile, keyFile string) error {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return fmt.Errorf("INBOUND_TLS_CERT, INBOUND_TLS_KEY: %w", err)
	}
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	return nil
}

// ServeListener serves on ln until Close.
func (s *Server) ServeListener(ln net.Listener) error {
	err := s.Serve(ln)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

type backend struct{ r *Receiver }

func (b *backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{r: b.r}, nil }

type session struct {
	r    *Receiver
	from string
	to   []string
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from, s.to = from, nil
	return nil
}

var errUnknownRecipient = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Adresse inconnue de Guichet (unknown recipient)"}

// Rcpt accepts only the addresses Guichet answers for.
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	_, ok, err := s.r.Resolve(context.Background(), to)
	if err != nil {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Erreur temporaire, réessayez plus tard"}
	}
	if !ok {
		return errUnknownRecipient
	}
	s.to = append(s.to, to)
	return nil
}

var errTooLarge = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4},
	Message: fmt.Sprintf("Message trop volumineux : %d Mo au plus (message too large)", MaxSize>>20)}

// Data acknowledges the message only once it is stored (committed): a
// crash before leaves the sender to retry, none after loses it. The
// message streams to the store as it comes; past MaxSize it is refused.
// Threading follows, its failure kept on the stored message.
func (s *session) Data(r io.Reader) error {
	err := s.r.Receive(context.Background(), s.from, s.to, r)
	if errors.Is(err, ErrTooLarge) || errors.Is(err, smtp.ErrDataTooLarge) {
		return errTooLarge
	}
	if err != nil {
		s.r.Log.Error("inbound: storing a message", "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Erreur temporaire, réessayez plus tard"}
	}
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }
