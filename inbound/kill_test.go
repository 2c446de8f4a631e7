package inbound_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"guichet/fixture"
	"guichet/inbound"
	"guichet/mail/mailtest"
	"guichet/models"
	"guichet/testdb"
)

// guichetServe is a `guichet serve` process of the binary built from this
// tree, on dsn, its inbound listener on a port of its own.
type guichetServe struct {
	cmd  *exec.Cmd
	addr string
}

func buildGuichet(t *testing.T) string {
	goCmd, err := exec.LookPath("go")
	fixture.Must(t, err)
	bin := filepath.Join(t.TempDir(), "guichet")
	if out, err := exec.Command(goCmd, "build", "-o", bin, "guichet/cmd/guichet").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	fixture.Must(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

func key32() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// startGuichet starts the server and returns once it listens: when it
// prints the address it serves on (after its listeners are bound).
func startGuichet(t *testing.T, bin, dsn, dataDir string, keys []string, smtpURL string, cert selfSigned) *guichetServe {
	s := &guichetServe{addr: freeAddr(t)}
	_, port, _ := net.SplitHostPort(freeAddr(t))
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn, "GUICHET_ENV=production", "HOST=127.0.0.1", "PORT="+port,
		"DATA_DIR="+dataDir, "INBOUND_ADDR="+s.addr, "LINK_KEYS="+keys[0], "AUDIT_SIGNING_KEY="+keys[1], "SMTP_URL="+smtpURL,
		"INBOUND_TLS_CERT="+cert.certFile, "INBOUND_TLS_KEY="+cert.keyFile)
	out, err := s.cmd.StdoutPipe()
	fixture.Must(t, err)
	logf, err := os.OpenFile(filepath.Join(dataDir, "serve.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	fixture.Must(t, err)
	t.Cleanup(func() { logf.Close() })
	s.cmd.Stderr = logf
	fixture.Must(t, s.cmd.Start())
	t.Cleanup(func() { s.cmd.Process.Kill(); s.cmd.Wait() })
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "Guichet écoute sur") {
			go io.Copy(io.Discard, out)
			return s
		}
	}
	log, _ := os.ReadFile(filepath.Join(dataDir, "serve.log"))
	t.Fatalf("guichet serve ended before listening:\n%s", log)
	return nil
}

// dialTLS opens an SMTP session and asks for STARTTLS, which the listener
// must offer.
func dialTLS(addr string, pool *x509.CertPool) (*smtp.Client, error) {
	c, err := smtp.Dial(addr)
	if err != nil {
		return nil, err
	}
	if err := c.StartTLS(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// deliver sends a message over its own SMTP session; nil is the 250.
func deliver(addr string, pool *x509.CertPool, from, to, raw string) error {
	c, err := dialTLS(addr, pool)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, raw); err != nil {
		return err
	}
	return w.Close()
}

// TestKilledMidDelivery: a real `guichet serve` receives mail from four
// senders at once, over STARTTLS (INBOUND_TLS_CERT), and one more message
// stops halfway through its DATA;
// the process is killed (SIGKILL) then started again, and the senders
// retry what was not acknowledged, as mail servers do. Every message
// acknowledged is stored, whole, once; none shows twice in a conversation;
// the message cut midway was not stored at all.
func TestKilledMidDelivery(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	bin, dsn, dataDir := buildGuichet(t), testdb.DSN(t, db), t.TempDir()
	keys := []string{key32(), key32()}
	outbox := mailtest.Start(t) // the acknowledgements Guichet sends
	cert := newSelfSigned(t)
	to := w.Commune.Email
	mail := func(i int) (id, from, raw string) {
		id, from = fmt.Sprintf("kill-%d@client.test", i), fmt.Sprintf("usager-%d@exemple.fr", i)
		raw, _ = photoMail(from, to, id, 160<<10)
		return id, from, raw
	}

	srv := startGuichet(t, bin, dsn, dataDir, keys, outbox.URL(), cert)
	// The message cut midway: half of it written, then nothing more.
	const cut = 1_000_000
	cutID, cutFrom, cutRaw := mail(cut)
	c, err := dialTLS(srv.addr, cert.pool)
	fixture.Must(t, err)
	fixture.Must(t, c.Mail(cutFrom))
	fixture.Must(t, c.Rcpt(to))
	dw, err := c.Data()
	fixture.Must(t, err)
	_, err = io.WriteString(dw, cutRaw[:len(cutRaw)/2])
	fixture.Must(t, err)

	var mu sync.Mutex
	acked := map[int]bool{}
	sent := []int{cut}
	enough, stopped := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	for sender := range 4 {
		wg.Go(func() {
			for i := sender; ; i += 4 {
				_, from, raw := mail(i)
				mu.Lock()
				sent = append(sent, i)
				mu.Unlock()
				if err := deliver(srv.addr, cert.pool, from, to, raw); err != nil {
					return // the server is gone: this one is retried below
				}
				mu.Lock()
				acked[i] = true
				if len(acked) == 20 {
					close(enough)
				}
				mu.Unlock()
			}
		})
	}
	go func() { wg.Wait(); close(stopped) }()
	select {
	case <-enough:
	case <-stopped:
		t.Fatalf("the senders stopped after %d acknowledged, the server alive", len(acked))
	}
	fixture.Must(t, srv.cmd.Process.Kill())
	srv.cmd.Wait()
	<-stopped
	c.Close()
	n, err := db.NewSelect().Model((*models.InboundMessage)(nil)).Where("message_id = ?", cutID).Count(ctx)
	fixture.Must(t, err)
	if n != 0 {
		t.Fatalf("the message cut midway was stored (%d rows)", n)
	}

	// Started again; what was not acknowledged is sent again.
	srv = startGuichet(t, bin, dsn, dataDir, keys, outbox.URL(), cert)
	retried := 0
	for _, i := range sent {
		if !acked[i] {
			_, from, raw := mail(i)
			fixture.Must(t, deliver(srv.addr, cert.pool, from, to, raw))
			retried++
		}
	}
	if retried < 2 {
		t.Fatalf("%d retried: the kill cut no delivery but the parked one", retried)
	}

	for _, i := range sent {
		id, _, raw := mail(i)
		var ms []models.InboundMessage
		fixture.Must(t, db.NewSelect().Model(&ms).Where("commune_id = ? AND message_id = ?", w.Commune.ID, id).Order("id").Scan(ctx))
		threaded := 0
		for _, m := range ms {
			rr, err := inbound.OpenRaw(ctx, db, &m)
			fixture.Must(t, err)
			back, err := io.ReadAll(rr)
			rr.Close()
			if err != nil || string(back) != raw {
				t.Errorf("%s: row %d holds %d bytes of %d (%v)", id, m.ID, len(back), len(raw), err)
			}
			switch m.Status {
			case models.InboundThreaded:
				threaded++
			case models.InboundStored, models.InboundDuplicate:
				// stored, the process killed before it answered: the sender's retry is the one threaded
			default:
				t.Errorf("%s: row %d %s (%s)", id, m.ID, m.Status, m.Error)
			}
		}
		shown, err := db.NewSelect().Model((*models.Message)(nil)).Where("mail_id = ?", id).Count(ctx)
		fixture.Must(t, err)
		if threaded != 1 || shown != 1 || (acked[i] && len(ms) != 1) {
			t.Errorf("%s (acknowledged %v): %d rows, %d threaded, %d messages shown", id, acked[i], len(ms), threaded, shown)
		}
	}
	t.Logf("%d messages, %d acknowledged before the kill, %d retried", len(sent), len(acked), retried)
}
