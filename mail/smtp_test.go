package mail_test

import (
	"context"
	"errors"
	"net"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"guichet/mail"
	"guichet/mail/mailtest"
)

const from = "Mairie de Plassans <guichet@plassans.fr>"

func newSender(t *testing.T, url string) *mail.SMTPSender {
	t.Helper()
	cfg, err := mail.ParseSMTPURL(url)
	if err != nil {
		t.Fatal(err)
	}
	return mail.NewSMTPSender(cfg, from)
}

func TestSendOverSMTP(t *testing.T) {
	srv := mailtest.Start(t)
	m := demand()
	m.From = "" // the sender's default
	if err := newSender(t, srv.URL()).Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	r := srv.WaitFor(t, 1, 5*time.Second)[0]
	if r.From != "guichet@plassans.fr" || !slices.Equal(r.To, []string{"helene@example.org"}) {
		t.Errorf("envelope from %q to %q", r.From, r.To)
	}
	if r.Subject != m.Subject || r.Text != m.Text || r.HTML != m.HTML {
		t.Errorf("received subject %q\ntext %q\nhtml %q", r.Subject, r.Text, r.HTML)
	}
	if got := r.Header("From"); got != `"Mairie de Plassans" <guichet@plassans.fr>` {
		t.Errorf("From = %q", got)
	}
	if got := r.Header("In-Reply-To"); got != "<demande-42-1@guichet.local>" {
		t.Errorf("In-Reply-To = %q", got)
	}
}

func TestSendOpportunisticWithoutSTARTTLS(t *testing.T) {
	srv := mailtest.Start(t)
	if err := newSender(t, "smtp://"+srv.Addr).Send(t.Context(), demand()); err != nil {
		t.Fatal(err)
	}
	srv.WaitFor(t, 1, 5*time.Second)
}

func TestSendRequiredSTARTTLSMissing(t *testing.T) {
	srv := mailtest.Start(t)
	err := newSender(t, "smtp://"+srv.Addr+"?starttls=require").Send(t.Context(), demand())
	if err == nil || mail.IsPermanent(err) {
		t.Fatalf("err = %v, want a temporary error", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d message(s) sent in clear", n)
	}
}

func TestSendServerDown(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv.URL())
	srv.SetDown(true)
	err := s.Send(t.Context(), demand())
	var serr *smtp.SMTPError
	if !errors.As(err, &serr) || serr.Code != 421 || mail.IsPermanent(err) {
		t.Fatalf("err = %v, want a temporary 421", err)
	}
	srv.SetDown(false)
	if err := s.Send(t.Context(), demand()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.WaitFor(t, 1, 5*time.Second)); n != 1 {
		t.Errorf("got %d messages, want 1", n)
	}
}

func TestSendRecipientRejected(t *testing.T) {
	srv := mailtest.Start(t)
	srv.RejectRecipient("helene@example.org")
	err := newSender(t, srv.URL()).Send(t.Context(), demand())
	var serr *smtp.SMTPError
	if !errors.As(err, &serr) || serr.Code != 550 || !mail.IsPermanent(err) {
		t.Fatalf("err = %v, want a permanent 550", err)
	}
	srv.Reset()
	if err := newSender(t, srv.URL()).Send(t.Context(), demand()); err != nil {
		t.Fatalf("after Reset: %v", err)
	}
}

func TestSendWithoutConfiguredFrom(t *testing.T) {
	srv := mailtest.Start(t)
	cfg, err := mail.ParseSMTPURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	m := demand()
	m.From = ""
	err = mail.NewSMTPSender(cfg, "").Send(t.Context(), m)
	if err == nil || mail.IsPermanent(err) {
		t.Fatalf("err = %v, want a temporary configuration error", err)
	}
}

// TestSendGivesUpWhenItsContextEnds: a server that accepts the connection
// but never greets does not hold Send: when the context ends (here, as soon
// as the server has the connection), Send returns a temporary error
// wrapping the context's.
func TestSendGivesUpWhenItsContextEnds(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			cancel()
		}
	}()
	err = newSender(t, "smtp://"+l.Addr().String()).Send(ctx, demand())
	if !errors.Is(err, context.Canceled) || mail.IsPermanent(err) {
		t.Fatalf("err = %v, want a temporary error for the ended context", err)
	}
}

func TestSendConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	err = newSender(t, "smtp://"+addr).Send(t.Context(), demand())
	if err == nil || mail.IsPermanent(err) {
		t.Fatalf("err = %v, want a temporary error", err)
	}
}

func TestParseSMTPURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want mail.SMTPConfig
	}{
		{"smtp://mail.plassans.fr", mail.SMTPConfig{Host: "mail.plassans.fr", Port: 25, StartTLS: mail.StartTLSOpportunistic}},
		{"SMTP://mail.plassans.fr:587/?starttls=require", mail.SMTPConfig{Host: "mail.plassans.fr", Port: 587, StartTLS: mail.StartTLSRequire}},
		{"smtp://127.0.0.1:2525?starttls=skip", mail.SMTPConfig{Host: "127.0.0.1", Port: 2525, StartTLS: mail.StartTLSSkip}},
		{"smtp://[::1]:2525?starttls=Opportunistic", mail.SMTPConfig{Host: "::1", Port: 2525, StartTLS: mail.StartTLSOpportunistic}},
		{
			"smtp://guichet%40plassans.fr:p%40ss%2Fw%3Ard%23@mail.plassans.fr:587?starttls=require&insecure_skip_verify=true",
			mail.SMTPConfig{Host: "mail.plassans.fr", Port: 587, Username: "guichet@plassans.fr", Password: "p@ss/w:rd#", StartTLS: mail.StartTLSRequire, InsecureSkipVerify: true},
		},
		{"smtps://u:p@smtp.example.org", mail.SMTPConfig{Host: "smtp.example.org", Port: 465, Username: "u", Password: "p", ImplicitTLS: true}},
		{"smtps://smtp.example.org:2465?insecure_skip_verify=1", mail.SMTPConfig{Host: "smtp.example.org", Port: 2465, ImplicitTLS: true, InsecureSkipVerify: true}},
	} {
		got, err := mail.ParseSMTPURL(tc.url)
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
		} else if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.url, got, tc.want)
		}
	}

	for _, tc := range []struct{ url, wantErr string }{
		{"", "empty"},
		{"   ", "empty"},
		{"mail.plassans.fr:587", "scheme must be smtp or smtps"},
		{"http://mail.plassans.fr", `not "http"`},
		{"smtp://", "missing host"},
		{"smtp:mail.plassans.fr", "missing host"},
		{"smtp://:587", "missing host"},
		{"smtp://mail.plassans.fr:99999", "out of range"},
		{"smtp://mail.plassans.fr:0", "out of range"},
		{"smtp://mail.plassans.fr:abc", "invalid port"},
		{"smtp://u:hunter2@mail.plassans.fr/path", "unexpected path"},
		{"smtp://u:hu#nter2@mail.plassans.fr", "percent-encode"},
		{"smtp://u:hu/nter2@mail.plassans.fr", "percent-encode"},
		{"smtp://u:hu%zznter2@mail.plassans.fr", "percent-encode"},
		{"smtp://:hunter2@mail.plassans.fr", "without a user"},
		{"smtp://mail.plassans.fr?starttls=always", "starttls must be"},
		{"smtp://mail.plassans.fr?starttls=skip&starttls=require", "given 2 times"},
		{"smtp://mail.plassans.fr?insecure_skip_verify=yes", "insecure_skip_verify must be"},
		{"smtp://mail.plassans.fr?tls=true", `unknown parameter "tls"`},
		{"smtps://mail.plassans.fr?starttls=require", "does not apply to smtps"},
	} {
		_, err := mail.ParseSMTPURL(tc.url)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%q: err = %v, want it to mention %q", tc.url, err, tc.wantErr)
		}
		if err != nil && (strings.Contains(err.Error(), "hunter") || strings.Contains(err.Error(), ":hu")) {
			t.Errorf("%q: error leaks the password: %v", tc.url, err)
		}
	}
}

func TestSMTPConfigStringHidesPassword(t *testing.T) {
	cfg, err := mail.ParseSMTPURL("smtp://guichet:secret@mail.plassans.fr:587?starttls=require")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.String(), "smtp://guichet@mail.plassans.fr:587?starttls=require"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
