package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
	"guichet/testdb"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "demarches.yaml")
	fixture.Must(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestProcedureImport(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	t.Setenv("DATABASE_URL", testdb.DSN(t, db))
	ctx := context.Background()
	importFile := func(content string) error {
		return procedureCmd(ctx, []string{"import", "-commune", w.Commune.Slug, writeFile(t, content)})
	}

	fixture.Must(t, importFile(`
- slug: acte-naissance
  title: Acte de naissance
  description: Demandez une copie intégrale.
  documents: [Pièce d'identité]
  fields:
    - {name: nom, label: Nom de naissance, type: text, required: true}
`))
	p, err := models.ProcedureBySlug(ctx, db, w.Commune.ID, "acte-naissance")
	fixture.Must(t, err)
	if p.Title != "Acte de naissance" || len(p.Form) != 1 || !p.Form[0].Required || p.Documents[0] != "Pièce d'identité" {
		t.Fatalf("imported %+v", p)
	}

	// Re-importing updates the same row.
	fixture.Must(t, importFile(`{"slug": "acte-naissance", "title": "Copie d'acte de naissance", "fields": [{"name": "nom", "label": "Nom", "type": "text"}, {"name": "ville", "label": "Ville", "type": "text"}]}`))
	q, err := models.ProcedureBySlug(ctx, db, w.Commune.ID, "acte-naissance")
	fixture.Must(t, err)
	if q.ID != p.ID || q.Title != "Copie d'acte de naissance" || len(q.Form) != 2 {
		t.Fatalf("re-import: %+v", q)
	}

	// A broken file is refused as a whole, with the file, procedure and field named.
	err = importFile("- slug: ok\n  title: OK\n  fields: [{name: a, label: A, type: text}]\n- slug: ko\n  title: KO\n  fields: [{name: a, label: A, type: liste}]\n")
	if err == nil || !strings.Contains(err.Error(), "demarches.yaml") || !strings.Contains(err.Error(), "démarche « ko » : champ « a », « type » : type « liste » inconnu") {
		t.Fatalf("broken file: %v", err)
	}
	if _, err := models.ProcedureBySlug(ctx, db, w.Commune.ID, "ok"); err != models.ErrNotFound {
		t.Fatalf("half of a broken file was imported: %v", err)
	}

	// Five bytes that make the YAML library panic are refused like any unreadable file.
	if err := importFile("!0 00"); err == nil || !strings.Contains(err.Error(), "demarches.yaml : fichier illisible") {
		t.Fatalf("file that crashes the YAML library: %v", err)
	}

	err = procedureCmd(ctx, []string{"import", "-commune", "nulle-part", writeFile(t, "slug: a\ntitle: A\nfields: [{name: a, label: A, type: text}]")})
	if err == nil || !strings.Contains(err.Error(), `commune "nulle-part" introuvable`) {
		t.Fatalf("unknown commune: %v", err)
	}
	if err := procedureCmd(ctx, []string{"import", "-commune", w.Commune.Slug}); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("missing file: %v", err)
	}
}

// TestAgentAddWhileServing: an operator command run while serve runs on the
// same DATA_DIR uses serve's PostgreSQL and leaves it running: serve keeps
// answering and sees the new agent.
func TestAgentAddWhileServing(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	t.Setenv("DATA_DIR", t.TempDir())
	t.Setenv("GUICHET_ENV", "development")
	t.Setenv("GUICHET_PASSWORD", "un mot de passe assez long")
	ctx := context.Background()
	fixture.Must(t, withDB(ctx, func(serving *env) error {
		w := fixture.NewWorld(t, serving.db)
		if err := agentCmd(ctx, []string{"add", "-commune", w.Commune.Slug, "-email", "nouvel.agent@mairie.test", "-name", "Nouvel Agent", "-role", "accueil"}); err != nil {
			return err
		}
		var a models.Agent
		if err := serving.db.NewSelect().Model(&a).Where("email = ?", "nouvel.agent@mairie.test").Scan(ctx); err != nil {
			t.Fatalf("serve's database after the command: %v", err)
		}
		if a.CommuneID != w.Commune.ID || a.ProfileID != w.Profiles[perm.AccueilProfile].ID {
			t.Errorf("agent created as %+v", a)
		}
		return nil
	}))
}

// TestServiceBoardLinkCommand: `guichet service board-link` queues the
// service's board mail through the application's notifier, with the
// configured board link lifetime.
func TestServiceBoardLinkCommand(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	t.Setenv("DATABASE_URL", testdb.DSN(t, db))
	t.Setenv("DATA_DIR", t.TempDir())
	t.Setenv("GUICHET_ENV", "development")
	t.Setenv("BOARD_LINK_TTL", "48h")
	ctx := context.Background()
	fixture.Must(t, serviceCmd(ctx, []string{"board-link", "-commune", w.Commune.Slug, "-service", w.Voirie.Name}))
	var m models.OutboxMail
	fixture.Must(t, db.NewSelect().Model(&m).Where("recipient = ?", w.Voirie.Email).Scan(ctx))
	paris, err := time.LoadLocation("Europe/Paris")
	fixture.Must(t, err)
	until := "valable jusqu'au " + m.CreatedAt.Add(48*time.Hour).In(paris).Format("02/01/2006")
	if !strings.Contains(m.BodyText, "/service/tableau/") || !strings.Contains(m.BodyText, until) {
		t.Fatalf("board mail lacks its link or %q:\n%s", until, m.BodyText)
	}
}

// TestAgentAddRefusesAnAddress: the operator's command takes the addresses
// the admin's form takes, no other; it refuses before it asks for anything.
func TestAgentAddRefusesAnAddress(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	t.Setenv("DATA_DIR", t.TempDir())
	t.Setenv("GUICHET_ENV", "development")
	t.Setenv("GUICHET_PASSWORD", "un mot de passe assez long")
	for _, addr := range []string{"agent@localhost", "Agent <agent@mairie.fr>"} {
		err := agentCmd(context.Background(), []string{"add", "-commune", "plassans", "-email", addr, "-name", "Agent", "-role", "accueil"})
		if err == nil || !strings.Contains(err.Error(), "Saisissez une adresse e-mail valide") {
			t.Errorf("%q: got %v", addr, err)
		}
	}
}
