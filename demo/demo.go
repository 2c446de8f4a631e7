// Package demo loads the demo commune, Plassans, so that a person trying
// Guichet can follow the whole cycle with the demo logins.
package demo

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/uptrace/bun"

	"guichet/forms"
	"guichet/models"
)

//go:embed procedures.yaml
var proceduresYAML []byte

// Password of every demo login.
const Password = "plassans2017"

// Logins are the demo accounts (e-mail, role).
var Logins = []struct{ Email, Name, Role string }{
	{"agent@plassans.fr", "Nora Accueil", models.RoleAccueil},
	{"manager@plassans.fr", "Marc Superviseur", models.RoleSupervisor},
	{"admin@plassans.fr", "Alice Admin", models.RoleAdmin},
}

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

// Load creates the demo commune in one transaction. hash turns the demo
// password into the stored hash (the auth package's, at its configured cost).
func Load(ctx context.Context, db *bun.DB, hash func(string) (string, error)) (*models.Commune, error) {
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
		Email: "accueil@plassans.fr", OpeningHours: "Du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 17 h",
	}
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(c).Exec(ctx); err != nil {
			return err
		}
		for _, s := range Services {
			s.CommuneID = c.ID
			if _, err := tx.NewInsert().Model(&s).Exec(ctx); err != nil {
				return err
			}
		}
		for _, l := range Logins {
			a := &models.Agent{CommuneID: c.ID, Email: l.Email, Name: l.Name, Role: l.Role, PasswordHash: pw, Active: true}
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
