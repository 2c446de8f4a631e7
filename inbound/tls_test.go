package inbound_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"guichet/fixture"
	"guichet/inbound"
)

// selfSigned is a certificate for 127.0.0.1 and localhost, made for the
// test: its PEM files, and the pool that trusts it.
type selfSigned struct {
	certFile, keyFile string
	pool              *x509.CertPool
	cert              tls.Certificate
}

func newSelfSigned(t *testing.T) selfSigned {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	fixture.Must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "guichet.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	fixture.Must(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	fixture.Must(t, err)
	dir := t.TempDir()
	s := selfSigned{certFile: filepath.Join(dir, "cert.pem"), keyFile: filepath.Join(dir, "key.pem"), pool: x509.NewCertPool()}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	fixture.Must(t, os.WriteFile(s.certFile, certPEM, 0o600))
	fixture.Must(t, os.WriteFile(s.keyFile, keyPEM, 0o600))
	s.pool.AppendCertsFromPEM(certPEM)
	s.cert, err = tls.X509KeyPair(certPEM, keyPEM)
	fixture.Must(t, err)
	return s
}

// imapServer serves a mailbox holding one message of the scene: with
// STARTTLS (starttls), TLS from the first byte (implicit), or neither.
func imapServer(t *testing.T, s *scene, cert *selfSigned, implicit bool, id string) (*imapmemserver.User, string) {
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("mairie", "secret")
	fixture.Must(t, user.Create("INBOX", nil))
	mem.AddUser(user)
	raw := reply(s, id, s.vars["{{CITIZEN}}"], "Reçu par IMAP chiffré.")
	_, err := user.Append("INBOX", literal{bytes.NewReader([]byte("Return-Path: <" + s.vars["{{CITIZEN}}"] + ">\r\n" + raw))}, &imap.AppendOptions{})
	fixture.Must(t, err)
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:   imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}},
		Logger: log.New(io.Discard, "", 0), // the handshakes refused on purpose
		// Without TLS the password goes in clear: what the poller must refuse.
		InsecureAuth: cert == nil,
	}
	var ln net.Listener
	ln, err = net.Listen("tcp", "127.0.0.1:0")
	fixture.Must(t, err)
	if cert != nil {
		tc := &tls.Config{Certificates: []tls.Certificate{cert.cert}}
		if implicit {
			ln = tls.NewListener(ln, tc)
		} else {
			opts.TLSConfig = tc
		}
	}
	srv := imapserver.New(opts)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return user, ln.Addr().String()
}

// TestIMAPPollerTLS: the poller takes the mail over STARTTLS (imap://) and
// over TLS (imaps://), trusting the authority INBOUND_IMAP_CA names; a
// certificate nobody trusts, or a server that offers no STARTTLS, gets
// nothing taken, never a fallback to an unverified or plain connection.
func TestIMAPPollerTLS(t *testing.T) {
	s := newScene(t)
	ctx := context.Background()
	cert := newSelfSigned(t)
	poller := func(scheme, addr string) *inbound.Poller {
		p, err := inbound.ParseIMAPURL(s.w.App.Inbound, scheme+"://mairie:secret@"+addr+"/INBOX?traite=Guichet&adresse="+s.w.Commune.Email)
		fixture.Must(t, err)
		return p
	}
	for _, c := range []struct {
		name, scheme string
		implicit     bool
	}{{"STARTTLS", "imap", false}, {"TLS", "imaps", true}} {
		user, addr := imapServer(t, s, &cert, c.implicit, "tls-"+c.scheme+"@exemple.fr")
		untrusted := poller(c.scheme, addr)
		if n, err := untrusted.RunOnce(ctx); err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("%s, certificate not trusted: took %d, %v", c.name, n, err)
		}
		p := poller(c.scheme, addr)
		fixture.Must(t, p.TrustCA(cert.certFile))
		n, err := p.RunOnce(ctx)
		fixture.Must(t, err)
		st, err := user.Status("Guichet", &imap.StatusOptions{NumMessages: true})
		fixture.Must(t, err)
		if n != 1 || *st.NumMessages != 1 {
			t.Fatalf("%s: took %d, moved %d", c.name, n, *st.NumMessages)
		}
	}
	if got := statuses(t, s); got != "threaded,threaded" {
		t.Fatalf("statuses %s", got)
	}
	// No TLS on the server, which would take the password in clear:
	// imap:// asks for STARTTLS and stops there.
	_, addr := imapServer(t, s, nil, false, "plain@exemple.fr")
	p := poller("imap", addr)
	fixture.Must(t, p.TrustCA(cert.certFile))
	if n, err := p.RunOnce(ctx); err == nil || n != 0 {
		t.Fatalf("without STARTTLS: took %d, %v", n, err)
	}
	if n := countInbound(t, s.w); n != 2 {
		t.Fatalf("%d stored", n)
	}
}

// TestSMTPStartTLS: with a certificate the listener offers STARTTLS, and a
// message sent over it is stored; without, it offers none.
func TestSMTPStartTLS(t *testing.T) {
	s := newScene(t)
	cert := newSelfSigned(t)
	for _, withTLS := range []bool{false, true} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		fixture.Must(t, err)
		srv := inbound.NewServer(s.w.App.Inbound, "guichet.test", false)
		if withTLS {
			fixture.Must(t, srv.OfferTLS(cert.certFile, cert.keyFile))
		}
		go srv.ServeListener(ln)
		t.Cleanup(func() { srv.Close() })
		c, err := smtp.Dial(ln.Addr().String())
		fixture.Must(t, err)
		fixture.Must(t, c.Hello("client.test"))
		if offered, _ := c.Extension("STARTTLS"); offered != withTLS {
			t.Fatalf("certificate %v, STARTTLS offered %v", withTLS, offered)
		}
		if !withTLS {
			c.Close()
			continue
		}
		fixture.Must(t, c.StartTLS(&tls.Config{RootCAs: cert.pool, ServerName: "127.0.0.1"}))
		if st, ok := c.TLSConnectionState(); !ok || !st.HandshakeComplete {
			t.Fatal("no TLS after STARTTLS")
		}
		fixture.Must(t, c.Mail(s.vars["{{CITIZEN}}"]))
		fixture.Must(t, c.Rcpt(s.vars["{{REPLY}}"]))
		w, err := c.Data()
		fixture.Must(t, err)
		_, err = w.Write([]byte(reply(s, "starttls@exemple.fr", s.vars["{{CITIZEN}}"], "Envoyé chiffré.")))
		fixture.Must(t, err)
		fixture.Must(t, w.Close())
		fixture.Must(t, c.Quit())
	}
	if got := statuses(t, s); got != "threaded" {
		t.Fatalf("statuses %s", got)
	}
}

// TestIMAPTooLargeLeft: a message past inbound.MaxSize is left in the
// mailbox, nothing of it stored, and the poller goes on with the next.
func TestIMAPTooLargeLeft(t *testing.T) {
	s := newScene(t)
	user, addr := imapServer(t, s, nil, false, "first@exemple.fr")
	huge, _ := photoMail(s.vars["{{CITIZEN}}"], s.vars["{{REPLY}}"], "huge@exemple.fr", inbound.MaxSize*3/4+1024)
	for _, raw := range []string{huge, reply(s, "next@exemple.fr", s.vars["{{CITIZEN}}"], "Et la suite.")} {
		_, err := user.Append("INBOX", literal{bytes.NewReader([]byte(raw))}, &imap.AppendOptions{})
		fixture.Must(t, err)
	}
	p, err := inbound.ParseIMAPURL(s.w.App.Inbound, "imap://mairie:secret@"+addr+"/INBOX?tls=non&traite=Guichet&adresse="+s.w.Commune.Email)
	fixture.Must(t, err)
	n, err := p.RunOnce(context.Background())
	fixture.Must(t, err)
	st, err := user.Status("INBOX", &imap.StatusOptions{NumMessages: true})
	fixture.Must(t, err)
	if n != 2 || *st.NumMessages != 1 || statuses(t, s) != "threaded,threaded" {
		t.Fatalf("took %d, %d left, stored %s", n, *st.NumMessages, statuses(t, s))
	}
}
