package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"guichet/auth"
	"guichet/models"
)

// ResetURL is the page where an agent chooses a new password.
func (n *Notifier) ResetURL(token string) string {
	return n.BaseURL + "/gestion/reinitialisation/" + token
}

// MailPasswordLink issues a single-use link for the agent to choose a
// password (auth.IssueReset) and queues the mail that carries it; it
// returns the link, which only the agent's mailbox should ever see.
func (n *Notifier) MailPasswordLink(ctx context.Context, db bun.IDB, c *models.Commune, a *models.Agent, ttl time.Duration, invite bool) (string, error) {
	token, err := auth.IssueReset(ctx, db, n.Links, a, ttl, n.Clock.Now())
	if err != nil {
		return "", err
	}
	return n.ResetURL(token), n.PasswordReset(ctx, db, c, a, token, ttl, invite)
}

// PasswordReset e-mails an agent the link to choose a password: a reset
// they asked for, or, with invite, the first one of a new account.
func (n *Notifier) PasswordReset(ctx context.Context, db bun.IDB, c *models.Commune, a *models.Agent, token string, ttl time.Duration, invite bool) error {
	m := Mail{
		Subject: "Réinitialisation de votre mot de passe — guichet unique de " + c.Name,
		Paragraphs: []string{
			"Vous avez demandé à changer le mot de passe de votre compte sur le guichet unique.",
			"Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.",
		},
		Link: &Link{Label: "Choisir un nouveau mot de passe", URL: n.ResetURL(token)},
	}
	if invite {
		m.Subject = "Votre compte sur le guichet unique de " + c.Name
		m.Paragraphs = []string{
			fmt.Sprintf("Un compte a été créé pour vous sur le guichet unique de %s. Choisissez votre mot de passe pour l'activer.", c.Name),
		}
		m.Link.Label = "Choisir mon mot de passe"
	}
	m.Facts = []Fact{{"Adresse de connexion", a.Email}}
	m.LinkNote = fmt.Sprintf("Ce lien ne sert qu'une fois et expire dans %s.", duration(ttl))
	return n.Enqueue(ctx, db, c, nil, a.Email, m)
}

// duration says a link's lifetime in French words.
func duration(d time.Duration) string {
	switch h := int(d.Hours()); {
	case h >= 48:
		return fmt.Sprintf("%d jours", h/24)
	case h >= 2:
		return fmt.Sprintf("%d heures", h)
	case h == 1:
		return "une heure"
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}
