package mailtest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"guichet/mail/mailtest"
)

// Cleanup right after Start must not hang, even before Serve runs.
func TestStartStopIdle(t *testing.T) {
	for range 20 {
		t.Run("", func(t *testing.T) { mailtest.Start(t) })
	}
}

func TestReceive(t *testing.T) {
	srv := mailtest.Start(t)
	raw := "From: a@example.org\r\nTo: b@example.org\r\nSubject: =?utf-8?q?D=C3=A9j=C3=A0?=\r\n\r\nPas de MIME.\r\n"
	c, err := smtp.Dial(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail("a@example.org", []string{"b@example.org"}, strings.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)
	if r := got[0]; r.Subject != "Déjà" || r.Text != "Pas de MIME.\n" || r.Header("to") != "b@example.org" {
		t.Errorf("got subject %q text %q to %q", r.Subject, r.Text, r.Header("to"))
	}
	got[0].To[0], got[0].Raw[0] = "x", 'x'
	if r := srv.Messages()[0]; r.To[0] != "b@example.org" || r.Raw[0] != 'F' {
		t.Error("Messages shares memory with the server")
	}
	srv.Reset()
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d message(s) after Reset", n)
	}
}
