package commune_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"guichet/apperr"
	"guichet/auth"
	"guichet/commune"
	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
	"guichet/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// fields is the French message per field of a refusal.
func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.Invalid {
		t.Fatalf("want a refusal of the input, got %v", err)
	}
	return e.Fields
}

func TestAddCreatesTheCommuneAndInvitesItsAdmin(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()

	got, err := commune.Add(ctx, db, w.Notifier, commune.New{Slug: "saint-martin", Name: "Saint-Martin", AdminEmail: "maire@saint-martin.fr", AdminName: "Jeanne Maire"})
	fixture.Must(t, err)
	c, err := models.CommuneBySlug(ctx, db, "saint-martin")
	fixture.Must(t, err)
	if c.Name != "Saint-Martin" || !c.Active || c.Version != 1 || c.AccentColor != commune.DefaultAccent {
		t.Fatalf("commune stored as %+v", c)
	}
	as, err := models.ListAgents(ctx, db, c.ID)
	fixture.Must(t, err)
	if len(as) != 1 || as[0].Email != "maire@saint-martin.fr" || as[0].Name != "Jeanne Maire" || as[0].Profile.Name != perm.AdminProfile || as[0].PasswordHash != "" {
		t.Fatalf("agents: %+v", as)
	}
	var m models.OutboxMail
	fixture.Must(t, db.NewSelect().Model(&m).Where("recipient = ?", "maire@saint-martin.fr").Scan(ctx))
	if !strings.Contains(m.Subject, "Votre compte sur le guichet unique de Saint-Martin") || !strings.Contains(m.BodyText, got.InviteURL) {
		t.Fatalf("invitation %q does not carry %s:\n%s", m.Subject, got.InviteURL, m.BodyText)
	}
	token := got.InviteURL[strings.LastIndex(got.InviteURL, "/")+1:]
	a, _, err := auth.CheckReset(ctx, db, w.Links, token)
	if err != nil || a.ID != as[0].ID {
		t.Fatalf("the link does not open the admin's password page: %v", err)
	}

	// Without a name, the admin is called Administrateur.
	got, err = commune.Add(ctx, db, w.Notifier, commune.New{Slug: "sans-nom", Name: "Sans Nom", AdminEmail: "admin@sans-nom.fr"})
	fixture.Must(t, err)
	if got.Admin.Name != commune.DefaultAdminName {
		t.Fatalf("admin named %q", got.Admin.Name)
	}
}

func TestAddRefusesInFrenchAndLeavesNothing(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	for _, tc := range []struct {
		in           commune.New
		field, words string
	}{
		{commune.New{Slug: "Saint-Martin", Name: "Saint-Martin", AdminEmail: "a@b.fr"}, "slug", "en minuscules sans accents, chiffres et tirets"},
		{commune.New{Slug: "saint--martin", Name: "Saint-Martin", AdminEmail: "a@b.fr"}, "slug", "en minuscules"},
		{commune.New{Slug: "é", Name: "Saint-Martin", AdminEmail: "a@b.fr"}, "slug", "en minuscules"},
		{commune.New{Slug: "", Name: "Saint-Martin", AdminEmail: "a@b.fr"}, "slug", "Indiquez l'identifiant de la commune"},
		{commune.New{Slug: "saint-martin", Name: " ", AdminEmail: "a@b.fr"}, "name", "Indiquez le nom de la commune"},
		{commune.New{Slug: "saint-martin", Name: "Saint-Martin", AdminEmail: "a@localhost"}, "admin-email", "Saisissez une adresse e-mail valide"},
		{commune.New{Slug: w.Commune.Slug, Name: "Saint-Martin", AdminEmail: "a@b.fr"}, "slug", "est déjà celui d'une commune"},
		{commune.New{Slug: "saint-martin", Name: "Saint-Martin", AdminEmail: strings.ToUpper(w.Accueil.Email)}, "admin-email", "est déjà celle d'un agent"},
	} {
		_, err := commune.Add(ctx, db, w.Notifier, tc.in)
		if msg := fields(t, err)[tc.field]; !strings.Contains(msg, tc.words) {
			t.Errorf("%+v: %s: %q, want %q", tc.in, tc.field, msg, tc.words)
		}
	}
	if _, err := models.CommuneBySlug(ctx, db, "saint-martin"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("a refused commune was kept: %v", err)
	}
}

func TestDeactivateEndsSessionsAndKeepsEverything(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	d := w.DemandAt(t, fixture.AtSubmitted)
	token, err := auth.StartSession(ctx, db, w.Accueil, "127.0.0.1", "test", w.Clock.Now())
	fixture.Must(t, err)

	c, changed, err := commune.SetActive(ctx, db, w.Commune.Slug, false)
	if err != nil || !changed || c.Active {
		t.Fatalf("deactivate: %+v, %v, %v", c, changed, err)
	}
	if _, _, err := auth.CurrentSession(ctx, db, token, w.Clock.Now()); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("the agent's session outlived the commune: %v", err)
	}
	if _, err := models.DemandByID(ctx, db, w.Commune.ID, d.ID); err != nil {
		t.Fatalf("a demand went with the commune: %v", err)
	}
	if _, changed, err := commune.SetActive(ctx, db, w.Commune.Slug, false); err != nil || changed {
		t.Fatalf("deactivating twice: %v, %v", changed, err)
	}
	if c, changed, err := commune.SetActive(ctx, db, w.Commune.Slug, true); err != nil || !changed || !c.Active {
		t.Fatalf("reactivate: %v, %v", changed, err)
	}
	_, _, err = commune.SetActive(ctx, db, "nulle-part", false)
	if apperr.CodeOf(err) != apperr.NotFound || !strings.Contains(err.Error(), "Aucune commune n'a l'identifiant « nulle-part »") {
		t.Fatalf("unknown commune: %v", err)
	}

	list, err := commune.List(ctx, db)
	fixture.Must(t, err)
	for _, s := range list {
		if s.ID == w.Commune.ID && (s.Agents != 3 || s.Demands != 1 || !s.Active) {
			t.Fatalf("listed as %+v", s)
		}
	}
}
