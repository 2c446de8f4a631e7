// Package drafts is how a citizen's draft begins: the checks of what they
// typed, the limits on how many drafts (each e-mails a link) anyone may
// start, and the transaction that creates the draft and queues its mail.
package drafts

import (
	"cmp"
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/models"
	"guichet/notify"
	"guichet/validate"
)

// How many drafts may be started in an hour, per e-mail address and per
// client address (several people may share one, at a town hall's desk),
// unless the configuration says otherwise (StartInput's limits).
const (
	PerAddress = 5
	PerClient  = 20
)

// StartInput is what the citizen gives to start a draft, and where from.
type StartInput struct {
	Email  string `form:"email" label:"votre adresse e-mail" hint:"la mairie vous écrira à cette adresse" validate:"required,max=254,address"`
	Name   string `form:"nom" label:"vos nom et prénom" validate:"required,max=200"`
	Client string // the client's network address
	// The limits per hour (DRAFTS_PER_ADDRESS, DRAFTS_PER_CLIENT); zero:
	// PerAddress and PerClient.
	PerAddress, PerClient int
}

// Start creates a draft of procedure p for the citizen and e-mails them the
// link to resume it, in one transaction; it returns the draft and that link.
// Bad input is an apperr.Invalid error, a limit reached an apperr.TooMany
// one, each with a French message on the field at fault.
func Start(ctx context.Context, db *bun.DB, n *notify.Notifier, cm *models.Commune, p *models.Procedure, in StartInput) (*models.Demand, string, error) {
	if errs := validate.Struct(in); errs != nil {
		return nil, "", apperr.Fields(errs)
	}
	// Counted in the database: shared by every process, kept across restarts.
	byAddress := models.RateLimit{Key: "brouillon:email:" + strings.ToLower(in.Email), Max: cmp.Or(in.PerAddress, PerAddress), Per: time.Hour}
	byClient := models.RateLimit{Key: "brouillon:ip:" + in.Client, Max: cmp.Or(in.PerClient, PerClient), Per: time.Hour}
	over, err := models.CountEvent(ctx, db, n.Clock.Now(), byAddress, byClient)
	if err != nil {
		return nil, "", err
	}
	if over != nil {
		why := "Trop de brouillons ont été commencés pour cette adresse e-mail au cours de la dernière heure."
		if over.Key == byClient.Key {
			why = "Trop de brouillons ont été commencés depuis votre connexion au cours de la dernière heure."
		}
		e := apperr.Field("email", why+" Pour éviter les envois abusifs, réessayez dans une heure. Si vous avez déjà reçu un e-mail avec un lien, utilisez-le pour reprendre votre brouillon.")
		e.Code = apperr.TooMany
		return nil, "", e
	}
	var d *models.Demand
	var link string
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d, err = models.NewDraft(ctx, tx, p, in.Email, n.Clock.Now()); err != nil {
			return err
		}
		if err := models.SetCitizenName(ctx, tx, d, in.Name); err != nil {
			return err
		}
		link, err = n.DraftStarted(ctx, tx, cm, d, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return d, link, nil
}
