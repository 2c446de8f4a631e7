// Package commune is what the operator does to communes (add one with its
// first admin, list them, deactivate and reactivate one) and what a
// commune's admin does to its identity (name, logo, accent colour, contact
// card, opening hours, the From of its mails). The command line and the
// admin's pages call it; it checks every input and refuses in French.
package commune

import (
	"context"
	"errors"
	"strings"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/auth"
	"guichet/models"
	"guichet/notify"
	"guichet/perm"
	"guichet/validate"
)

// New is a commune to add, with its first admin.
type New struct {
	Slug       string `form:"slug" label:"l'identifiant de la commune" example:"saint-martin" hint:"il forme l'adresse de son portail, /c/IDENTIFIANT/" validate:"required,max=60,slug"`
	Name       string `form:"name" label:"le nom de la commune" example:"Saint-Martin" validate:"required,max=200"`
	AdminEmail string `form:"admin-email" label:"l'adresse e-mail de son administrateur" example:"prenom.nom@mairie.fr" validate:"required,max=254,address"`
	AdminName  string `form:"admin-name" label:"le nom de son administrateur" validate:"max=200"`
}

// Added is what Add did: the commune, its admin, and the link the admin
// got to choose a password.
type Added struct {
	Commune   *models.Commune
	Admin     *models.Agent
	InviteURL string
}

// DefaultAdminName names the first admin when the operator gives no name.
const DefaultAdminName = "Administrateur"

// Add creates a commune, active, with its first admin (the "Administrateur" profile), who is
// e-mailed a link to choose a password (valid auth.InviteLinkTTL), all in
// one transaction: a refusal leaves nothing behind.
func Add(ctx context.Context, db *bun.DB, n *notify.Notifier, in New) (*Added, error) {
	in.Slug, in.Name = strings.TrimSpace(in.Slug), strings.TrimSpace(in.Name)
	in.AdminEmail, in.AdminName = strings.TrimSpace(in.AdminEmail), strings.TrimSpace(in.AdminName)
	if errs := validate.Struct(in); errs != nil {
		return nil, apperr.Fields(errs)
	}
	if in.AdminName == "" {
		in.AdminName = DefaultAdminName
	}
	out := &Added{
		Commune: &models.Commune{Slug: in.Slug, Name: in.Name, AccentColor: DefaultAccent},
		Admin:   &models.Agent{Email: in.AdminEmail, Name: in.AdminName, Active: true},
	}
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		profiles, err := models.CreateCommune(ctx, tx, out.Commune)
		if errors.Is(err, models.ErrTaken) {
			return apperr.Field("slug", "L'identifiant « "+in.Slug+" » est déjà celui d'une commune : choisissez-en un autre.")
		}
		if err != nil {
			return err
		}
		admin := profiles[perm.AdminProfile]
		out.Admin.CommuneID, out.Admin.ProfileID, out.Admin.Profile = out.Commune.ID, admin.ID, admin
		if err := models.CreateAgent(ctx, tx, out.Admin); err != nil {
			if errors.Is(err, models.ErrTaken) {
				return apperr.Field("admin-email", "L'adresse "+in.AdminEmail+" est déjà celle d'un agent : une adresse de connexion ne sert qu'à un compte, toutes communes confondues.")
			}
			return err
		}
		out.InviteURL, err = n.MailPasswordLink(ctx, tx, out.Commune, out.Admin, auth.InviteLinkTTL, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// List is every commune, active or not, with its numbers of agents and demands.
func List(ctx context.Context, db bun.IDB) ([]models.CommuneSummary, error) {
	return models.CommuneSummaries(ctx, db)
}

// SetActive deactivates a commune (its portal says it is no longer in
// service, its service links and its agents' sign-in stop working, their
// sessions end; nothing is deleted) or reactivates it. It tells whether
// the commune was in the other state.
func SetActive(ctx context.Context, db bun.IDB, slug string, active bool) (*models.Commune, bool, error) {
	c, err := models.CommuneBySlug(ctx, db, slug)
	if errors.Is(err, models.ErrNotFound) {
		return nil, false, apperr.New(apperr.NotFound, "Aucune commune n'a l'identifiant « %s » (guichet commune list les montre toutes).", slug)
	}
	if err != nil || c.Active == active {
		return c, false, err
	}
	if err := models.SetCommuneActive(ctx, db, c.ID, active); err != nil {
		return nil, false, err
	}
	c.Active = active
	return c, true, nil
}
