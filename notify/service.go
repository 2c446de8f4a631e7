package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/history"
	"guichet/jobs"
	"guichet/links"
	"guichet/models"
	"guichet/workflow"
)

// ServiceToken signs a service's link to act on a demand under one
// assignment; it carries the service's link epoch, so that revoking the
// service's links revokes it too.
func (n *Notifier) ServiceToken(c *models.Commune, s *models.Service, a *models.Assignment) (string, time.Time, error) {
	cl := links.Claims{CommuneID: c.ID, DemandID: a.DemandID, ServiceID: s.ID, AssignmentID: a.ID, Epoch: s.LinkEpoch}
	tok, err := n.Links.Sign(links.Service, cl, n.ServiceLinkTTL)
	return tok, n.Clock.Now().Add(n.ServiceLinkTTL), err
}

// LogoPath is the address of the commune's logo, "" when it has none. It
// names the logo's version, so that a new logo shows at once on pages that
// cache the old one.
func LogoPath(c *models.Commune) string {
	if c.LogoSHA256 == "" {
		return ""
	}
	return "/c/" + c.Slug + "/logo.png?v=" + c.LogoSHA256[:12]
}

// ServicePath is the path of a service's page for a token.
func ServicePath(c *models.Commune, token string) string {
	return fmt.Sprintf("/c/%s/service/%s", c.Slug, token)
}

// ServiceURL is a service's link to act on a demand under one assignment, and its expiry.
func (n *Notifier) ServiceURL(c *models.Commune, s *models.Service, a *models.Assignment) (string, time.Time, error) {
	tok, exp, err := n.ServiceToken(c, s, a)
	if err != nil {
		return "", time.Time{}, err
	}
	return n.BaseURL + ServicePath(c, tok), exp, nil
}

// BoardURL is a service's link to the board of every demand it holds, and its expiry.
func (n *Notifier) BoardURL(c *models.Commune, s *models.Service) (string, time.Time, error) {
	cl := links.Claims{CommuneID: c.ID, ServiceID: s.ID, Epoch: s.LinkEpoch}
	tok, err := n.Links.Sign(links.Board, cl, n.BoardLinkTTL)
	if err != nil {
		return "", time.Time{}, err
	}
	return fmt.Sprintf("%s/c/%s/service/tableau/%s", n.BaseURL, c.Slug, tok), n.Clock.Now().Add(n.BoardLinkTTL), nil
}

// ServiceMail is a mail to a service about one demand: why it gets it
// (Subject and Intro); the rest (what the demand is, what is expected, the
// link and its expiry) is the same in every such mail.
type ServiceMail struct {
	Commune   *models.Commune
	Procedure *models.Procedure
	Demand    *models.Demand
	Subject   string
	Intro     []string
}

// MailService enqueues a mail to the service's own address with a fresh
// link to the demand under assignment a.
func (n *Notifier) MailService(ctx context.Context, db bun.IDB, s *models.Service, a *models.Assignment, m ServiceMail) error {
	ob, err := n.serviceMail(s, a, m)
	if err != nil {
		return err
	}
	return jobs.Enqueue(ctx, db, ob, n.Host())
}

// serviceMail composes a mail to the service's own address with a fresh
// link to the demand under assignment a.
func (n *Notifier) serviceMail(s *models.Service, a *models.Assignment, m ServiceMail) (*models.OutboxMail, error) {
	c, d := m.Commune, m.Demand
	u, exp, err := n.ServiceURL(c, s, a)
	if err != nil {
		return nil, err
	}
	applicant := d.CitizenEmail
	if d.CitizenName != "" {
		applicant = d.CitizenName + " <" + d.CitizenEmail + ">"
	}
	return n.compose(c, d, s.Email, Mail{
		Subject: m.Subject,
		Paragraphs: append(m.Intro,
			"Ce qui est attendu de votre service : examiner la demande, puis l'accepter ou la refuser (avec un motif), demander une correction à l'usager si elle est incomplète, ou la renvoyer à l'accueil si elle ne relève pas de votre service. L'usager est prévenu par e-mail de votre décision.",
			"Depuis le lien ci-dessous, sans compte ni mot de passe, vous pouvez consulter et imprimer la demande, ses pièces jointes et son historique, puis agir."),
		Facts: []Fact{{"Référence", d.Reference}, {"Démarche", m.Procedure.Title}, {"Demandeur", applicant},
			{"Déposée le", formatTime(d.SubmittedAt)}, {"Transmise à votre service le", formatTime(&a.CreatedAt)}},
		Link:     &Link{Label: "Ouvrir la demande", URL: u},
		LinkNote: fmt.Sprintf("Ce lien est réservé à votre service et valable jusqu'au %s ; ne le transférez pas en dehors du service. Passé cette date, il vous permettra d'en recevoir un nouveau à cette adresse.", formatDay(exp)),
	})
}

// MailBoard enqueues a mail to the service's own address with a link to
// its board: what the admin's services page and "guichet service
// board-link" both do. A deactivated service's board does not open, so it
// gets no link.
func (n *Notifier) MailBoard(ctx context.Context, db bun.IDB, c *models.Commune, s *models.Service) error {
	if !s.Active {
		return apperr.New(apperr.Invalid, "Le service « %s » est désactivé : son tableau de bord ne s'ouvre pas. Réactivez-le avant de lui envoyer le lien.", s.Name)
	}
	u, exp, err := n.BoardURL(c, s)
	if err != nil {
		return err
	}
	return n.Enqueue(ctx, db, c, nil, s.Email, Mail{
		Subject: fmt.Sprintf("Tableau de bord du service %s — mairie de %s", s.Name, c.Name),
		Paragraphs: []string{
			fmt.Sprintf("Voici le lien du tableau de bord du service %s : il liste toutes les demandes que la mairie a transmises à votre service et qui attendent votre suite, de la plus ancienne à la plus récente. Chacune s'ouvre d'un clic pour être traitée.", s.Name),
			"Conservez ce lien dans vos favoris. L'administrateur de la mairie peut le révoquer à tout moment (par exemple au départ d'un agent) : un nouveau lien vous sera alors envoyé sur demande.",
		},
		Link:     &Link{Label: "Ouvrir le tableau de bord", URL: u},
		LinkNote: fmt.Sprintf("Ce lien est réservé à votre service et valable jusqu'au %s ; ne le transférez pas en dehors du service.", formatDay(exp)),
	})
}

// resendEvery limits new links sent on request for one assignment, so that
// an old link cannot be used to flood the service's mailbox.
const resendEvery = 15 * time.Minute

// ResendServiceLink sends the service a fresh link to a demand it still
// holds, at its own address, at most once every 15 minutes per assignment;
// it reports whether it sent one. The request is recorded in the history.
func (n *Notifier) ResendServiceLink(ctx context.Context, db *bun.DB, m ServiceMail, s *models.Service, a *models.Assignment) (bool, error) {
	sent := false
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		sent, err = history.RecordOnce(ctx, tx, &models.Event{
			CommuneID: m.Demand.CommuneID, DemandID: m.Demand.ID, Kind: models.KindLinkResent,
			ActorKind: workflow.KindService, ActorID: &s.ID, ActorName: s.Name, Channel: workflow.ChannelLink,
			Message: "Nouveau lien demandé depuis un lien expiré ou révoqué, envoyé à " + s.Email + ".",
			Details: map[string]any{"assignment_id": a.ID},
		}, n.Clock.Now(), resendEvery)
		if err != nil || !sent {
			return err
		}
		return n.MailService(ctx, tx, s, a, m)
	})
	return sent, err
}
