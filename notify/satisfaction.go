package notify

import (
	"context"
	"fmt"
	"guichet/jobs"
	"time"

	"github.com/uptrace/bun"

	"guichet/links"
	"guichet/models"
	"guichet/workflow"
)

// RatingLinkTTL is how long a rating link works: 30 days, once.
const RatingLinkTTL = 30 * 24 * time.Hour

// RatingURL is the citizen's single-use link to rate the answer r is about.
func (n *Notifier) RatingURL(c *models.Commune, r *models.Rating) (string, error) {
	cl := links.Claims{CommuneID: c.ID, RatingID: r.ID}
	switch {
	case r.DemandID != nil:
		cl.DemandID = *r.DemandID
	case r.ConversationID != nil:
		cl.ConversationID = *r.ConversationID
	case r.ExperienceID != nil:
		cl.ExperienceID = *r.ExperienceID
	}
	tok, err := n.Links.Sign(links.Rating, cl, RatingLinkTTL)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/c/%s/evaluer/%s", n.BaseURL, c.Slug, tok), nil
}

// RatingLink writes the rating request r (in the caller's transaction)
// and returns the link that rates it, for the mail that brings the answer.
func (n *Notifier) RatingLink(ctx context.Context, db bun.IDB, c *models.Commune, r *models.Rating) (*Link, error) {
	r.CommuneID, r.RequestedAt = c.ID, n.Clock.Now()
	if err := models.InsertRating(ctx, db, r); err != nil {
		return nil, err
	}
	u, err := n.RatingURL(c, r)
	if err != nil {
		return nil, err
	}
	until := formatDay(r.RequestedAt.Add(RatingLinkTTL))
	return &Link{Label: "Donner mon avis sur cette réponse (de 1 à 5, sans compte ; ce lien sert une fois, jusqu'au " + until + ")", URL: u}, nil
}

// RequestRating asks in a mail of its own to rate an answer that came
// without one (a conversation resolved: its answer was mailed already);
// about names it ("la réponse à votre message « … »").
func (n *Notifier) RequestRating(ctx context.Context, db bun.IDB, c *models.Commune, r *models.Rating, about string) error {
	l, err := n.RatingLink(ctx, db, c, r)
	if err != nil {
		return err
	}
	ob, err := n.compose(c, nil, r.Email, Mail{
		Subject: "Votre avis sur " + about,
		Paragraphs: []string{
			"La mairie aimerait savoir si " + about + " vous a été utile. Donnez-lui une note de 1 à 5 et, si vous le souhaitez, un commentaire : cela prend une minute et ne demande aucun compte.",
			"Une note basse est lue par un responsable, qui peut revenir vers vous.",
		},
		Link: l,
	})
	if err != nil {
		return err
	}
	// Filed with its conversation, which anonymising erases.
	ob.ConversationID = r.ConversationID
	return jobs.Enqueue(ctx, db, ob, n.Host())
}

// demandRating is the rating link of a decision, from the team that
// decided it (the service holding it, or the accueil).
func (n *Notifier) demandRating(ctx context.Context, tx bun.Tx, ch workflow.Change) (*Link, error) {
	d := ch.Demand
	return n.RatingLink(ctx, tx, ch.Commune, &models.Rating{DemandID: &d.ID, ServiceID: d.ServiceID, MotifID: d.MotifID, ProcedureID: &d.ProcedureID, Email: d.CitizenEmail})
}

// ExperienceURL is a service's link to an experience routed to it, valid
// while its links are (the service's epoch revokes it with the others).
func (n *Notifier) ExperienceURL(c *models.Commune, s *models.Service, x *models.Experience) (string, error) {
	tok, err := n.Links.Sign(links.Experience, links.Claims{CommuneID: c.ID, ServiceID: s.ID, ExperienceID: x.ID, Epoch: s.LinkEpoch}, n.BoardLinkTTL)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/c/%s/service/avis/%s", n.BaseURL, c.Slug, tok), nil
}

// PublicExperiencesURL is the commune's page of published experiences.
func (n *Notifier) PublicExperiencesURL(c *models.Commune) string {
	return fmt.Sprintf("%s/c/%s/avis", n.BaseURL, c.Slug)
}

// MailExperience enqueues a mail about an experience to its author.
func (n *Notifier) MailExperience(ctx context.Context, db bun.IDB, c *models.Commune, x *models.Experience, m Mail) error {
	m.Quote = x.Body
	if m.Link == nil {
		m.Link = &Link{Label: "Voir les avis publiés", URL: n.PublicExperiencesURL(c)}
	}
	return n.enqueueAboutExperience(ctx, db, c, x, x.AuthorEmail, m)
}

// enqueueAboutExperience enqueues a mail about an experience, named on
// it: the experience's erasure erases it too.
func (n *Notifier) enqueueAboutExperience(ctx context.Context, db bun.IDB, c *models.Commune, x *models.Experience, to string, m Mail) error {
	return n.enqueueNamed(ctx, db, c, nil, to, m, func(ob *models.OutboxMail) { ob.ExperienceID = &x.ID })
}

// MailExperienceToService enqueues the mail that gives a service the link
// to an experience routed to it.
func (n *Notifier) MailExperienceToService(ctx context.Context, db bun.IDB, c *models.Commune, s *models.Service, x *models.Experience) error {
	u, err := n.ExperienceURL(c, s, x)
	if err != nil {
		return err
	}
	return n.enqueueAboutExperience(ctx, db, c, x, s.Email, Mail{
		Subject:    "Un avis d'usager sur votre service est publié",
		Paragraphs: []string{fmt.Sprintf("Un usager a publié un avis sur le service %s, modéré par la mairie de %s. Vous pouvez y répondre publiquement depuis le lien ci-dessous ; votre réponse sera relue avant sa publication.", s.Name, c.Name)},
		Quote:      x.Body,
		Link:       &Link{Label: "Répondre à l'avis", URL: u},
		LinkNote:   "Ce lien est réservé à votre service : ne le transférez pas.",
	})
}
