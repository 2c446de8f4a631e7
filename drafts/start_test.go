package drafts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"guichet/apperr"
	"guichet/drafts"
	"guichet/fixture"
	"guichet/models"
	"guichet/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestStart: whoever starts a draft (the web form today, an API or a reply
// by e-mail later) goes through the same checks and limits, and a refused
// start leaves neither a draft nor a mail.
func TestStart(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	start := func(email, name, client string) (*models.Demand, error) {
		d, _, err := drafts.Start(ctx, db, w.Notifier, w.Commune, w.Procedure, drafts.StartInput{Email: email, Name: name, Client: client})
		return d, err
	}
	count := func(model any, where string, arg any) int64 {
		n, err := db.NewSelect().Model(model).Where(where, arg).Count(ctx)
		fixture.Must(t, err)
		return n
	}
	refused := func(err error, code apperr.Code, field, says string) {
		t.Helper()
		e := apperr.As(err)
		if err == nil || e.Code != code || !strings.Contains(e.Fields[field], says) {
			t.Errorf("want a %s refusal on %s saying %q, got %v", code, field, says, err)
		}
	}

	d, err := start("claude@exemple.fr", "Claude Dupont", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if d.State != "draft" || d.CitizenEmail != "claude@exemple.fr" || d.CitizenName != "Claude Dupont" {
		t.Errorf("draft %+v", d)
	}
	if n := count((*models.OutboxMail)(nil), "recipient = ?", "claude@exemple.fr"); n != 1 {
		t.Errorf("%d mails with the link, want 1", n)
	}

	_, err = start("", "Claude Dupont", "192.0.2.1")
	refused(err, apperr.Invalid, "email", "Indiquez votre adresse e-mail")
	_, err = start("claude@exemple", "", "192.0.2.1")
	refused(err, apperr.Invalid, "email", "Saisissez une adresse e-mail valide")
	refused(err, apperr.Invalid, "nom", "Indiquez vos nom et prénom")
	_, err = start("Claude <claude@exemple.fr>", strings.Repeat("é", 201), "192.0.2.1")
	refused(err, apperr.Invalid, "email", "Saisissez une adresse e-mail valide")
	refused(err, apperr.Invalid, "nom", "200 caractères au plus (vous en avez saisi 201)")

	for i := range drafts.PerAddress - 1 {
		if _, err := start("claude@exemple.fr", "Claude Dupont", fmt.Sprintf("192.0.2.%d", 10+i)); err != nil {
			t.Fatal(err)
		}
	}
	_, err = start("CLAUDE@exemple.fr", "Claude Dupont", "192.0.2.99")
	refused(err, apperr.TooMany, "email", "pour cette adresse e-mail")
	if n := count((*models.Demand)(nil), "citizen_email ILIKE ?", "claude@exemple.fr"); n != drafts.PerAddress {
		t.Errorf("%d drafts, want %d", n, drafts.PerAddress)
	}
}

// TestConfiguredDraftLimit: a higher limit per client (development's) lets
// one machine start more drafts than the default.
func TestConfiguredDraftLimit(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	for i := range drafts.PerClient + 5 {
		in := drafts.StartInput{Email: fmt.Sprintf("essai%d@exemple.fr", i), Name: "Claude Dupont", Client: "192.0.2.7", PerClient: 1000}
		if _, _, err := drafts.Start(context.Background(), db, w.Notifier, w.Commune, w.Procedure, in); err != nil {
			t.Fatalf("draft %d: %v", i+1, err)
		}
	}
}
