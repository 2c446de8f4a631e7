package demo_test

import (
	"context"
	"slices"
	"testing"

	"guichet/auth"
	"guichet/demo"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestLoadDemo(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	hash := func(pw string) (string, error) { return auth.HashPassword(ctx, pw, auth.FastParams) }
	c, err := demo.Load(ctx, db, hash)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := demo.Loaded(ctx, db); !ok {
		t.Fatal("Loaded is false after Load")
	}
	ss, _ := models.ListServices(ctx, db, c.ID, true)
	ps, _ := models.ListProcedures(ctx, db, c.ID)
	if len(ss) != 3 || len(ps) != 3 {
		t.Fatalf("%d services, %d procedures; want 3 and 3", len(ss), len(ps))
	}
	// One procedure follows a variant of the lifecycle: the accueil decides alone.
	acte, err := models.ProcedureBySlug(ctx, db, c.ID, "acte-etat-civil")
	fixtureErr(t, err)
	if acte.Variant != "sans_service" || slices.Contains(workflow.For(acte).EventsFrom(workflow.Submitted), workflow.Transfer) {
		t.Fatalf("the civil status procedure follows %q, want sans_service, without transfer", acte.Variant)
	}
	for _, l := range demo.Logins {
		a, err := models.AgentByEmail(ctx, db, l.Email)
		if err != nil || a.CommuneID != c.ID || a.Profile.Name != l.Profile {
			t.Fatalf("login %s: %+v %v", l.Email, a, err)
		}
		if ok, _ := auth.CheckPassword(ctx, a.PasswordHash, demo.Password); !ok {
			t.Fatalf("login %s: the demo password does not match", l.Email)
		}
	}
	p, err := models.ProcedureBySlug(ctx, db, c.ID, "occupation-domaine-public")
	fixtureErr(t, err)
	var surface *models.Field
	for i := range p.Form {
		if p.Form[i].Name == "surface" {
			surface = &p.Form[i]
		}
	}
	if surface == nil || surface.Type != "number" || !surface.Required || surface.Max == nil || *surface.Max != 1000 {
		t.Fatalf("procedure form not loaded as written: %+v", p.Form)
	}
}

func fixtureErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
