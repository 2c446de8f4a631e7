package notify

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"guichet/forms"
	"guichet/models"
)

// DraftStarted sends the citizen the link to resume a draft they just
// started, with its tracking code. It returns the link.
func (n *Notifier) DraftStarted(ctx context.Context, db bun.IDB, c *models.Commune, d *models.Demand, p *models.Procedure) (string, error) {
	u, err := n.FollowURL(c, d)
	if err != nil {
		return "", err
	}
	return u, n.Enqueue(ctx, db, c, d, d.CitizenEmail, Mail{
		Subject: fmt.Sprintf("Votre %s : lien pour la reprendre", forms.DemandName(p.Title)),
		Paragraphs: []string{
			fmt.Sprintf("Vous avez commencé une %s sur le site de la mairie de %s. Elle est enregistrée comme brouillon : rien n'est envoyé à la mairie tant que vous ne l'avez pas déposée.", forms.DemandName(p.Title), c.Name),
			"Ce lien vous permet de la reprendre à tout moment, de compléter le formulaire, de joindre vos documents puis de la déposer.",
		},
		Facts:    []Fact{{"Démarche", p.Title}, {"Code de suivi", d.TrackingCode}},
		Link:     &Link{Label: "Reprendre ma demande", URL: u},
		LinkNote: n.linkNote(),
	})
}

// FreshLinkSubject is the subject of the mail that sends a new follow link.
func FreshLinkSubject(d *models.Demand) string {
	return fmt.Sprintf("Votre lien pour accéder à la demande %s", d.Reference)
}

// FreshLink sends a new follow link to the address on file, when the old one
// expired or was lost.
func (n *Notifier) FreshLink(ctx context.Context, db bun.IDB, c *models.Commune, d *models.Demand, p *models.Procedure) error {
	u, err := n.FollowURL(c, d)
	if err != nil {
		return err
	}
	return n.Enqueue(ctx, db, c, d, d.CitizenEmail, Mail{
		Subject:    FreshLinkSubject(d),
		Paragraphs: []string{"Vous avez demandé un nouveau lien pour accéder à votre demande. Le voici ; les liens reçus précédemment ne sont peut-être plus valables.", "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : personne d'autre que vous ne reçoit ce lien."},
		Facts:      []Fact{{"Référence", d.Reference}, {"Démarche", p.Title}, {"Code de suivi", d.TrackingCode}},
		Link:       &Link{Label: "Accéder à ma demande", URL: u},
		LinkNote:   n.linkNote(),
	})
}

func (n *Notifier) linkNote() string {
	return fmt.Sprintf("Ce lien est personnel : ne le transférez pas. Il est valable jusqu'au %s ; ensuite, vous pourrez en recevoir un nouveau à cette adresse depuis le site de la mairie avec votre code de suivi.", formatDay(n.Clock.Now().Add(n.FollowLinkTTL)))
}
