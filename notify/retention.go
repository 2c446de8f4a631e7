package notify

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"guichet/calendar"
	"guichet/links"
	"guichet/models"
)

// KeepDraftURL is the citizen's link that keeps a draft from expiring,
// valid until a month after the day it would.
func (n *Notifier) KeepDraftURL(c *models.Commune, d *models.Demand, expires calendar.Date) (string, error) {
	ttl := expires.AddMonths(1).Start().Sub(n.Clock.Now())
	tok, err := n.Links.Sign(links.KeepDraft, links.Claims{CommuneID: c.ID, DemandID: d.ID}, ttl)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/c/%s/brouillon/conserver/%s", n.BaseURL, c.Slug, tok), nil
}

// DraftExpiring tells a draft's citizen that it expires on day unless they
// keep it, with the link that does.
func (n *Notifier) DraftExpiring(ctx context.Context, db bun.IDB, c *models.Commune, d *models.Demand, title string, untouched int, day calendar.Date) error {
	keep, err := n.KeepDraftURL(c, d, day)
	if err != nil {
		return err
	}
	return n.Enqueue(ctx, db, c, d, d.CitizenEmail, Mail{
		Subject: "Votre brouillon « " + title + " » va expirer",
		Paragraphs: []string{
			fmt.Sprintf("Votre brouillon de la démarche « %s » n'a pas été modifié depuis près de %d mois. Sans action de votre part, il expirera le %s : son contenu et ses pièces jointes seront effacés.",
				title, untouched, day.French()),
			"Pour le conserver, ouvrez le lien ci-dessous et confirmez. Si vous n'en avez plus besoin, vous n'avez rien à faire.",
		},
		Facts: []Fact{{"Référence", d.Reference}},
		Link:  &Link{Label: "Conserver mon brouillon", URL: keep},
	})
}
