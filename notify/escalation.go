package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"guichet/jobs"
	"guichet/links"
	"guichet/models"
)

// EscalationPath is the path of level 2's page for a token.
func EscalationPath(c *models.Commune, token string) string {
	return fmt.Sprintf("/c/%s/niveau2/%s", c.Slug, token)
}

// EscalationURL is level 2's link to an escalation, and its expiry. It is
// bound to the escalation (which must still be open) and, for a service of
// the commune, to the service's link epoch: revoking the service's links
// revokes it too.
func (n *Notifier) EscalationURL(c *models.Commune, e *models.Escalation, s *models.Service) (string, time.Time, error) {
	cl := links.Claims{CommuneID: c.ID, EscalationID: e.ID}
	if s != nil {
		cl.ServiceID, cl.Epoch = s.ID, s.LinkEpoch
	}
	tok, err := n.Links.Sign(links.Escalation, cl, n.ServiceLinkTTL)
	if err != nil {
		return "", time.Time{}, err
	}
	return n.BaseURL + EscalationPath(c, tok), n.Clock.Now().Add(n.ServiceLinkTTL), nil
}

// escalated names what an escalation is about, for its mails: its
// reference and subject, and the agents' page of it.
func (n *Notifier) escalated(cv *models.Conversation, d *models.Demand) (ref, subject, agentURL string) {
	if cv != nil {
		return cv.Reference, cv.Subject, n.AgentConversationURL(cv)
	}
	return d.Reference, "Demande " + d.Reference, n.AgentDemandURL(d)
}

// Escalated mails level 2 the notice of an escalation, with its link, and
// the referent the confirmation of it.
func (n *Notifier) Escalated(ctx context.Context, db bun.IDB, c *models.Commune, e *models.Escalation, cv *models.Conversation, d *models.Demand, referent *models.Agent) error {
	var s *models.Service
	if e.ServiceID != nil {
		var err error
		if s, err = models.ServiceByID(ctx, db, c.ID, *e.ServiceID); err != nil {
			return err
		}
	}
	u, exp, err := n.EscalationURL(c, e, s)
	if err != nil {
		return err
	}
	ref, subject, agentURL := n.escalated(cv, d)
	facts := []Fact{{"Référence", ref}, {"Objet", subject}, {"Référent", referent.Name + " (" + referent.Email + ")"}}
	notice := Mail{
		Subject: fmt.Sprintf("Escalade au niveau 2 : %s [%s]", subject, ref),
		Paragraphs: []string{
			fmt.Sprintf("%s, référent de la mairie de %s, vous confie une demande d'usager qui n'a pas pu être résolue au premier niveau.", referent.Name, c.Name),
			"Sa reformulation du problème :",
		},
		Quote: e.Problem,
		Facts: facts,
		Link:  &Link{Label: "Lire la demande, répondre à l'usager ou la renvoyer au référent", URL: u},
		LinkNote: fmt.Sprintf("Ce lien est personnel : ne le transférez pas. Il expire le %s, et ne donne plus accès dès que vous avez répondu ou renvoyé la demande, ou si la mairie retire l'escalade.",
			formatDay(exp)),
	}
	if err := n.enqueueAbout(ctx, db, c, d, e, e.Email, notice); err != nil {
		return err
	}
	return n.enqueueAbout(ctx, db, c, d, e, referent.Email, Mail{
		Subject: fmt.Sprintf("Escalade envoyée : %s [%s]", subject, ref),
		Paragraphs: []string{
			fmt.Sprintf("Vous avez escaladé cette demande au niveau 2 : %s (%s). Le niveau 2 a reçu votre reformulation et un lien pour répondre à l'usager ou vous renvoyer la demande ; vous serez prévenu par e-mail de sa réponse.", e.Label, e.Email),
			"Votre reformulation :",
		},
		Quote: e.Problem,
		Facts: facts[:2],
		Link:  &Link{Label: "Suivre la demande", URL: agentURL},
	})
}

// EscalationEnded tells the referent that level 2 answered the citizen or
// sent the escalation back (with its note).
func (n *Notifier) EscalationEnded(ctx context.Context, db bun.IDB, c *models.Commune, e *models.Escalation, referent *models.Agent, cv *models.Conversation) error {
	var d *models.Demand
	if e.DemandID != nil { // about a demand: cv is only its conversation
		var err error
		if d, err = models.DemandByID(ctx, db, c.ID, *e.DemandID); err != nil {
			return err
		}
		cv = nil
	}
	ref, subject, agentURL := n.escalated(cv, d)
	m := Mail{Facts: []Fact{{"Référence", ref}, {"Objet", subject}}, Link: &Link{Label: "Ouvrir la demande", URL: agentURL}}
	if e.Status == models.EscalationReturned {
		m.Subject = fmt.Sprintf("Escalade renvoyée par le niveau 2 : %s [%s]", subject, ref)
		m.Paragraphs = []string{fmt.Sprintf("Le niveau 2 (%s) vous renvoie cette demande sans avoir répondu à l'usager. Sa note :", e.Label)}
		m.Quote = e.Note
	} else {
		m.Subject = fmt.Sprintf("Le niveau 2 a répondu : %s [%s]", subject, ref)
		m.Paragraphs = []string{fmt.Sprintf("Le niveau 2 (%s) a répondu à l'usager dans la conversation. Sa réponse y figure, envoyée à l'usager ou en attente de validation selon votre profil.", e.Label)}
	}
	return n.enqueueAbout(ctx, db, c, d, e, referent.Email, m)
}

// enqueueAbout enqueues a mail about escalation e, naming it: anonymising
// what it is about erases it (models.OutboxMail.EscalationID).
func (n *Notifier) enqueueAbout(ctx context.Context, db bun.IDB, c *models.Commune, d *models.Demand, e *models.Escalation, to string, m Mail) error {
	return n.enqueueNamed(ctx, db, c, d, to, m, func(ob *models.OutboxMail) { ob.EscalationID = &e.ID })
}

// enqueueNamed enqueues a mail that name marks with what it is about, so
// that the erasure of that finds it.
func (n *Notifier) enqueueNamed(ctx context.Context, db bun.IDB, c *models.Commune, d *models.Demand, to string, m Mail, name func(*models.OutboxMail)) error {
	ob, err := n.compose(c, d, to, m)
	if err != nil {
		return err
	}
	name(ob)
	return jobs.Enqueue(ctx, db, ob, n.Host())
}
