package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/testdb"
)

// TestCommuneCommands: the operator adds a commune with its admin, lists
// the communes, deactivates one and reactivates it, through the real
// command; refusals come back in French, named by the option at fault.
func TestCommuneCommands(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	t.Setenv("DATABASE_URL", testdb.DSN(t, db))
	t.Setenv("DATA_DIR", t.TempDir())
	t.Setenv("GUICHET_ENV", "development")
	ctx := context.Background()
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := communeCmd(ctx, args, &out)
		return out.String(), err
	}

	out, err := run("add", "-slug", "saint-martin", "-name", "Saint-Martin", "-admin-email", "maire@saint-martin.fr", "-admin-name", "Jeanne Maire")
	fixture.Must(t, err)
	link := regexp.MustCompile(`Lien d'invitation \(développement\) : (http\S+/gestion/reinitialisation/\S+)`).FindStringSubmatch(out)
	if !strings.Contains(out, "Commune « Saint-Martin » créée, portail http://127.0.0.1:8080/c/saint-martin/.") ||
		!strings.Contains(out, "Jeanne Maire <maire@saint-martin.fr>") || link == nil {
		t.Fatalf("add said:\n%s", out)
	}
	var m models.OutboxMail
	fixture.Must(t, db.NewSelect().Model(&m).Where("recipient = ?", "maire@saint-martin.fr").Scan(ctx))
	if !strings.Contains(m.BodyText, link[1]) {
		t.Fatalf("the printed link is not the mailed one:\n%s", m.BodyText)
	}

	_, err = run("add", "-slug", "saint-martin", "-name", "Autre", "-admin-email", "autre@saint-martin.fr")
	if err == nil || err.Error() != "-slug : L'identifiant « saint-martin » est déjà celui d'une commune : choisissez-en un autre." {
		t.Fatalf("same slug again: %v", err)
	}
	_, err = run("add", "-slug", "Saint Martin", "-admin-email", "x")
	if err == nil || !strings.Contains(err.Error(), "-admin-email : Saisissez une adresse e-mail valide") ||
		!strings.Contains(err.Error(), "-name : Indiquez le nom de la commune") || !strings.Contains(err.Error(), "-slug : Écrivez l'identifiant de la commune en minuscules") {
		t.Fatalf("bad input: %v", err)
	}
	if _, err := run("add", "-slug", "x", "de trop"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("stray argument: %v", err)
	}

	w.DemandAt(t, fixture.AtSubmitted)
	out, err = run("list")
	fixture.Must(t, err)
	if !regexp.MustCompile(`(?m)^saint-martin\s+Saint-Martin\s+active\s+1\s+0\s+\d\d/\d\d/\d{4}$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^`+w.Commune.Slug+`\s+`+w.Commune.Name+`\s+active\s+3\s+1\s`).MatchString(out) {
		t.Fatalf("list:\n%s", out)
	}

	out, err = run("deactivate", "-slug", "saint-martin")
	if err != nil || !strings.Contains(out, "Commune « Saint-Martin » désactivée") || !strings.Contains(out, "Rien n'est supprimé") {
		t.Fatalf("deactivate: %v\n%s", err, out)
	}
	out, _ = run("list")
	if !regexp.MustCompile(`(?m)^saint-martin\s+Saint-Martin\s+désactivée\s+1\s+0`).MatchString(out) {
		t.Fatalf("list after deactivation:\n%s", out)
	}
	if out, _ := run("deactivate", "-slug", "saint-martin"); !strings.Contains(out, "déjà désactivée") {
		t.Fatalf("deactivate twice: %s", out)
	}
	if out, err := run("reactivate", "-slug", "saint-martin"); err != nil || !strings.Contains(out, "réactivée") {
		t.Fatalf("reactivate: %v %s", err, out)
	}
	if _, err := run("deactivate", "-slug", "nulle-part"); err == nil || !strings.Contains(err.Error(), "Aucune commune n'a l'identifiant « nulle-part »") {
		t.Fatalf("unknown commune: %v", err)
	}
	if _, err := run("deactivate"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("deactivate without a slug: %v", err)
	}
}
