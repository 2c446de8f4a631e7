// Package demo loads the demo commune, Plassans, so that a person trying
// Guichet can follow the whole cycle with the demo logins.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"guichet/forms"
	"guichet/hours"
	"guichet/models"
	"guichet/perm"
	"guichet/routing"
	"guichet/streets"
)

//go:embed procedures.yaml
var proceduresYAML []byte

// streetsCSV is a sample of the Base Adresse Nationale's file of a
// commune, for Plassans: its address fields suggest these streets.
//
//go:embed adresses-plassans.csv
var streetsCSV []byte

// Password of every demo login.
const Password = "plassans2017"

// Logins are the demo accounts (e-mail, name, default profile).
var Logins = []struct{ Email, Name, Profile string }{
	{"agent@plassans.fr", "Nora Accueil", perm.AccueilProfile},
	{"manager@plassans.fr", "Marc Superviseur", perm.SupervisorProfile},
	{"admin@plassans.fr", "Alice Admin", perm.AdminProfile},
	{"referent@plassans.fr", "Rémi Référent", ReferentProfile.Name},
}

// ReferentProfile is the demo's profile of a referent: the accueil's
// rights and escalating to level 2 (issue 16, item 3).
var ReferentProfile = perm.Profile{Name: "Référent", Permissions: perm.Set{perm.See, perm.Decide, perm.Transfer, perm.Reply, perm.Escalate}}

// Services of the demo commune.
var Services = []models.Service{
	{Name: "Voirie", Email: "voirie@plassans.fr", Active: true},
	{Name: "Urbanisme", Email: "urbanisme@plassans.fr", Active: true},
	{Name: "État civil", Email: "etat-civil@plassans.fr", Active: true},
}

// Procedures are the demo procedures' definitions.
func Procedures() ([]forms.Definition, error) { return forms.Parse(proceduresYAML) }

// Loaded tells whether the demo commune exists.
func Loaded(ctx context.Context, db bun.IDB) (bool, error) {
	return db.NewSelect().Model((*models.Commune)(nil)).Where("slug = 'plassans'").Exists(ctx)
}

// Empty tells whether the database holds no commune: the demo loads only there.
func Empty(ctx context.Context, db bun.IDB) (bool, error) {
	some, err := db.NewSelect().Model((*models.Commune)(nil)).Exists(ctx)
	return !some, err
}

// Load loads the demo into an empty database: it creates the demo commune,
// its people and procedures in one transaction, imports its streets, then
// drives its demands (ds). A database holding a commune gets nothing (nil,
// nil): loading twice never duplicates. hash turns the demo password into
// the stored hash (the auth package's, at its configured cost).
func Load(ctx context.Context, db *bun.DB, hash func(string) (string, error), ds Demands) (*models.Commune, error) {
	if empty, err := Empty(ctx, db); err != nil || !empty {
		return nil, err
	}
	c, err := loadCommune(ctx, db, hash)
	if err != nil {
		return nil, err
	}
	if _, err := streets.Import(ctx, db, c.ID, bytes.NewReader(streetsCSV), nil); err != nil {
		return nil, fmt.Errorf("demo streets: %w", err)
	}
	if err := ds.Load(ctx, c); err != nil {
		return nil, err
	}
	if err := loadArticles(ctx, db, c, ds.Clock.Now()); err != nil {
		return nil, err
	}
	return c, loadRules(ctx, db, c)
}

// loadRules gives the demo a routing rule, after its demands (their
// histories stay as the stories tell them): street lighting is proposed to
// Voirie, with a high priority.
func loadRules(ctx context.Context, db *bun.DB, c *models.Commune) error {
	ps, err := models.ListProcedures(ctx, db, c.ID)
	if err != nil {
		return err
	}
	ss, err := models.ListServices(ctx, db, c.ID, true)
	if err != nil {
		return err
	}
	pi := slices.IndexFunc(ps, func(p models.Procedure) bool { return p.Slug == "signalement-dysfonctionnement" })
	si := slices.IndexFunc(ss, func(s models.Service) bool { return s.Name == "Voirie" })
	if pi < 0 || si < 0 {
		return errors.New("demo rules: no reporting procedure or no Voirie")
	}
	r := &models.RoutingRule{CommuneID: c.ID, Name: "Éclairage → Voirie", Enabled: true,
		Conditions: models.RuleConditions{Procedures: []int64{ps[pi].ID},
			Fields: []models.FieldCriteria{{Field: "categorie", Op: routing.OpEquals, Values: []string{"Éclairage public"}}}},
		Actions: []models.RuleAction{{Kind: routing.ActionTransfer, ServiceID: ss[si].ID}, {Kind: routing.ActionPriority, Priority: 3}}}
	return models.CreateRoutingRule(ctx, db, r, models.TriggerSubmission)
}

func loadCommune(ctx context.Context, db *bun.DB, hash func(string) (string, error)) (*models.Commune, error) {
	defs, err := Procedures()
	if err != nil {
		return nil, fmt.Errorf("demo procedures: %w", err)
	}
	pw, err := hash(Password)
	if err != nil {
		return nil, err
	}
	c := &models.Commune{
		Slug: "plassans", Name: "Plassans", AccentColor: "#1f4e8c",
		Address: "Hôtel de ville, 1 place de la Mairie, 13100 Plassans", Phone: "04 42 00 00 00",
		Email: "accueil@plassans.fr", Website: "https://www.plassans.fr",
		OpeningHours: models.Hours{Week: hours.Weekdays(hours.Range{Start: 8*60 + 30, End: 12 * 60}, hours.Range{Start: 13*60 + 30, End: 17 * 60})},
		MailFromName: "Mairie de Plassans", MailFromAddress: "guichet@plassans.fr",
	}
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		profiles, err := models.CreateCommune(ctx, tx, c)
		if err != nil {
			return err
		}
		for _, s := range Services {
			s.CommuneID = c.ID
			if _, err := tx.NewInsert().Model(&s).Exec(ctx); err != nil {
				return err
			}
		}
		ref := &models.Profile{CommuneID: c.ID, Name: ReferentProfile.Name, Permissions: ReferentProfile.Permissions}
		if err := models.CreateProfile(ctx, tx, ref); err != nil {
			return err
		}
		profiles[ref.Name] = ref
		for _, l := range Logins {
			a := &models.Agent{CommuneID: c.ID, Email: l.Email, Name: l.Name, ProfileID: profiles[l.Profile].ID, PasswordHash: pw, Active: true}
			if _, err := tx.NewInsert().Model(a).Exec(ctx); err != nil {
				return err
			}
		}
		for _, d := range defs {
			p := d.Procedure(c.ID)
			p.Active, p.CreatedByName = true, "démonstration"
			if err := models.CreateProcedure(ctx, tx, p); err != nil {
				return err
			}
		}
		return nil
	})
	return c, err
}
