// Package notify writes the e-mails that follow each transition (to the
// citizen, the service, the accueil) into the outbox, in the transition's
// transaction. One French text serves both the plain-text and the HTML body.
package notify

import (
	"context"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/clock"
	"guichet/forms"
	"guichet/jobs"
	"guichet/legal"
	"guichet/links"
	"guichet/models"
	"guichet/wcag"
	"guichet/workflow"
)

// AfterSubmit says what the accueil may do with a demand just submitted:
// the confirmation page and the acknowledgement say it alike.
const AfterSubmit = "L'accueil de la mairie vérifie votre demande. Il peut l'accepter, la refuser, vous demander une correction ou la transmettre au service compétent. Vous serez prévenu par e-mail à chaque étape."

// Notifier implements workflow.Notifier.
type Notifier struct {
	BaseURL        string // e.g. http://127.0.0.1:8080, no trailing slash
	Links          *links.Signer
	FollowLinkTTL  time.Duration
	ServiceLinkTTL time.Duration
	BoardLinkTTL   time.Duration
	// Clock dates the mails and the links' expiry shown in them; the
	// application gives the signer the same one.
	Clock clock.Clock
}

// Host is the host part used in Message-IDs.
func (n *Notifier) Host() string {
	u, err := url.Parse(n.BaseURL)
	if err != nil || u.Hostname() == "" {
		return "guichet.local"
	}
	return u.Hostname()
}

// FollowURL is the citizen's personal link to a demand.
func (n *Notifier) FollowURL(c *models.Commune, d *models.Demand) (string, error) {
	tok, err := n.Links.Sign(links.Follow, links.Claims{CommuneID: c.ID, DemandID: d.ID}, n.FollowLinkTTL)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/c/%s/suivi/%s", n.BaseURL, c.Slug, tok), nil
}

// AgentDemandURL is the back-office page of a demand.
func (n *Notifier) AgentDemandURL(d *models.Demand) string {
	return fmt.Sprintf("%s/gestion/demandes/%d", n.BaseURL, d.ID)
}

// ThreadID is the Message-ID every mail about one demand refers to, so that
// mail clients show them as one conversation.
func (n *Notifier) ThreadID(d *models.Demand) string {
	return fmt.Sprintf("demande-%s@%s", d.Reference, n.Host())
}

// defaultAccent is the mails' colour for a commune without a valid accent
// colour (the stylesheet's default).
const defaultAccent = "#1f4e8c"

// Sender is the From of the commune's mails: its own name and address, or
// "" for the instance's MAIL_FROM when it has no address of its own.
func Sender(c *models.Commune) string {
	if c.MailFromAddress == "" {
		return ""
	}
	name := c.MailFromName
	if name == "" {
		name = "Mairie de " + c.Name
	}
	return (&mail.Address{Name: name, Address: c.MailFromAddress}).String()
}

// compose renders a mail to one recipient as an outbox row, not yet written.
func (n *Notifier) compose(c *models.Commune, d *models.Demand, to string, m Mail) (*models.OutboxMail, error) {
	m.Commune, m.Accent = c, defaultAccent
	if _, ok := wcag.ParseHex(c.AccentColor); ok {
		m.Accent = c.AccentColor
	}
	if p := LogoPath(c); p != "" {
		m.LogoURL = n.BaseURL + p
	}
	text, html, err := m.render()
	if err != nil {
		return nil, err
	}
	ob := &models.OutboxMail{CommuneID: &c.ID, Recipient: to, Subject: m.Subject, BodyText: text, BodyHTML: html, Sender: Sender(c),
		MessageID: jobs.NewMessageID("mail", n.Host()), Status: models.MailPending}
	ob.CreatedAt = n.Clock.Now()
	ob.NextAttemptAt = ob.CreatedAt
	if d != nil {
		ob.DemandID = &d.ID
		ob.ThreadID = n.ThreadID(d)
	}
	return ob, nil
}

// Enqueue writes one composed mail to the outbox.
func (n *Notifier) Enqueue(ctx context.Context, db bun.IDB, c *models.Commune, d *models.Demand, to string, m Mail) error {
	ob, err := n.compose(c, d, to, m)
	if err != nil {
		return err
	}
	return jobs.Enqueue(ctx, db, ob, n.Host())
}

// Notices composes the mails a transition calls for, and the items of the
// digests of the agents who want them so.
func (n *Notifier) Notices(ctx context.Context, tx bun.Tx, ch workflow.Change) (workflow.Notices, error) {
	var out workflow.Notices
	err := n.transitionNotices(ctx, tx, ch, &out)
	return out, err
}

func (n *Notifier) transitionNotices(ctx context.Context, tx bun.Tx, ch workflow.Change, out *workflow.Notices) error {
	c, d, p := ch.Commune, ch.Demand, ch.Procedure
	facts := []Fact{{"Référence", d.Reference}, {"Démarche", p.Title}}
	add := func(ob *models.OutboxMail, err error) error {
		if err == nil {
			out.Mails = append(out.Mails, ob)
		}
		return err
	}
	toCitizen := func(m Mail) error {
		follow, err := n.FollowURL(c, d)
		if err != nil {
			return err
		}
		m.Facts = append(facts, m.Facts...)
		// The follow link is the citizen's one way in, whatever the button says.
		if m.Link == nil {
			m.Link = &Link{Label: "Suivre ma demande"}
		}
		m.Link.URL = follow
		return add(n.compose(c, d, d.CitizenEmail, m))
	}
	toService := func(subject string, intro ...string) error {
		return add(n.serviceMail(ch.Service, ch.Assignment, ServiceMail{Commune: c, Procedure: p, Demand: d, Subject: subject, Intro: intro}))
	}
	// The accueil's agents are told each as they chose for the event's kind.
	toAccueil := func(m Mail) error {
		k, ok := kindOfEvent(ch.Event)
		if !ok {
			return fmt.Errorf("no kind of notice for %s to the accueil", ch.Event)
		}
		m.Facts = append(facts, m.Facts...)
		m.Link = &Link{Label: "Ouvrir la demande", URL: n.AgentDemandURL(d)}
		return n.agentNotices(ctx, tx, k, c, d, m, ch.History.At, out)
	}

	// The definition says who a move e-mails; texts say what.
	for _, to := range ch.Move.Mails {
		m, ok := n.text(ch, to)
		if !ok {
			return fmt.Errorf("no text for the mail of %s to %s", ch.Event, to)
		}
		var err error
		switch to {
		case workflow.RoleCitizen:
			// A decision's mail asks the citizen to rate it.
			if ch.Event == workflow.Accept || ch.Event == workflow.Refuse {
				if m.Rating, err = n.demandRating(ctx, tx, ch); err != nil {
					return err
				}
			}
			err = toCitizen(m)
		case workflow.RoleService:
			err = toService(m.Subject, m.Paragraphs...)
		case workflow.RoleAccueil:
			err = toAccueil(m)
		default:
			err = fmt.Errorf("no mail to %s", to)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// text is the mail a change sends to a recipient (for a service, its
// subject and introduction); ok is false when there is none.
func (n *Notifier) text(ch workflow.Change, to workflow.Role) (m Mail, ok bool) {
	c, d, p := ch.Commune, ch.Demand, ch.Procedure
	name := forms.DemandName(p.Title)
	type key struct {
		ev workflow.Event
		to workflow.Role
	}
	switch (key{ch.Event, to}) {
	case key{workflow.Submit, workflow.RoleCitizen}:
		return Mail{
			Subject: fmt.Sprintf("Demande %s bien reçue", d.Reference), // the procedure is named below
			Paragraphs: []string{
				fmt.Sprintf("Nous avons bien reçu votre %s. Conservez sa référence : elle vous sera demandée si vous contactez la mairie.", name),
				"Et maintenant ? " + AfterSubmit,
				"Depuis le lien ci-dessous, vous pouvez suivre votre demande et télécharger son récépissé de dépôt (PDF).",
			},
			Facts: append(facts(legal.Acknowledgement(c, &p.ProcedureVersion, d)), Fact{"Code de suivi", d.TrackingCode}),
		}, true
	case key{workflow.RequestCorrection, workflow.RoleCitizen}:
		return Mail{
			Subject: fmt.Sprintf("Demande %s : une correction est nécessaire", d.Reference),
			Paragraphs: []string{
				"Votre demande ne peut pas encore être traitée : la mairie vous demande de la corriger ou de la compléter.",
				"Message de la mairie : " + ch.Input.Message,
				"Ouvrez votre demande avec le lien ci-dessous, modifiez ce qui est demandé, puis renvoyez-la.",
			},
			Facts: facts(legal.Correction(&p.ProcedureVersion, d, fieldLabels(p, d.CorrectionFields))),
			Link:  &Link{Label: "Corriger ma demande"},
		}, true
	case key{workflow.Transfer, workflow.RoleCitizen}:
		return Mail{
			Subject:    fmt.Sprintf("Demande %s transmise au service %s", d.Reference, ch.Service.Name),
			Paragraphs: []string{fmt.Sprintf("Votre demande a été transmise au service %s pour traitement. Vous serez prévenu par e-mail de la suite.", ch.Service.Name)},
		}, true
	case key{workflow.Transfer, workflow.RoleService}:
		intro := []string{fmt.Sprintf("L'accueil de la mairie de %s transmet à votre service une demande qui relève de sa compétence.", c.Name)}
		if ch.Input.Message != "" {
			intro = append(intro, "Message de l'accueil : "+ch.Input.Message)
		}
		return Mail{Subject: fmt.Sprintf("Demande %s à traiter : %s", d.Reference, p.Title), Paragraphs: intro}, true
	// A resubmission goes back to whoever asked: the service holding it, or the accueil.
	case key{workflow.Resubmit, workflow.RoleService}:
		return Mail{Subject: fmt.Sprintf("Demande %s corrigée par l'usager : %s", d.Reference, p.Title),
			Paragraphs: []string{"L'usager a corrigé la demande pour laquelle votre service lui avait demandé une correction. Elle est de nouveau entre vos mains.",
				changedAnswers(p, ch.History)}}, true
	case key{workflow.Submit, workflow.RoleAccueil}:
		return Mail{
			Subject:    fmt.Sprintf("Nouvelle demande %s : %s", d.Reference, p.Title),
			Paragraphs: []string{"Un usager vient de déposer cette demande. Elle attend votre vérification."},
			Facts:      []Fact{{"Reçue le", formatTime(d.SubmittedAt)}},
		}, true
	case key{workflow.Resubmit, workflow.RoleAccueil}:
		return Mail{
			Subject: fmt.Sprintf("Demande %s corrigée par l'usager", d.Reference),
			Paragraphs: []string{"L'usager a corrigé la demande pour laquelle l'accueil lui avait demandé une correction. Elle attend de nouveau votre vérification.",
				changedAnswers(p, ch.History)},
		}, true
	case key{workflow.Resubmit, workflow.RoleCitizen}:
		holder := "de l'accueil de la mairie"
		if ch.Move.AskedBy == workflow.RoleService {
			holder = "du service " + ch.Service.Name
		}
		return Mail{
			Subject: fmt.Sprintf("Demande %s corrigée : bien reçue", d.Reference),
			Paragraphs: []string{
				fmt.Sprintf("Nous avons bien reçu votre %s corrigée. Elle est de nouveau entre les mains %s, qui va l'examiner. Vous serez prévenu par e-mail de la suite.", name, holder),
			},
		}, true
	case key{workflow.Accept, workflow.RoleCitizen}:
		return Mail{
			Subject:    fmt.Sprintf("Demande %s acceptée", d.Reference),
			Paragraphs: []string{"Bonne nouvelle : votre " + name + " a été acceptée."},
		}, true
	case key{workflow.Refuse, workflow.RoleCitizen}:
		return Mail{
			Subject: fmt.Sprintf("Demande %s refusée", d.Reference),
			Paragraphs: []string{
				"Votre " + name + " n'a pas pu être acceptée.",
				"Motif : " + ch.Input.Message,
				"Pour toute question, contactez la mairie aux coordonnées ci-dessous en indiquant la référence de votre demande.",
			},
		}, true
	case key{workflow.ReturnToGuichet, workflow.RoleAccueil}:
		return Mail{
			Subject: fmt.Sprintf("Demande %s renvoyée à l'accueil par %s", d.Reference, ch.Service.Name),
			Paragraphs: []string{
				fmt.Sprintf("Le service %s vous renvoie cette demande.", ch.Service.Name),
				"Motif : " + ch.Input.Message,
			},
		}, true
	}
	return Mail{}, false
}

// facts are legal mentions as a mail's facts.
func facts(ms []legal.Mention) []Fact {
	out := make([]Fact, len(ms))
	for i, m := range ms {
		out[i] = Fact(m)
	}
	return out
}

// fieldLabels are the labels of the named fields, in the form's order.
func fieldLabels(p *models.Procedure, names []string) []string {
	var labels []string
	for _, f := range p.Form {
		if slices.Contains(names, f.Name) {
			labels = append(labels, f.Label)
		}
	}
	return labels
}

// changedAnswers says which answers a resubmission changed, in the form's
// order, for whoever checks the corrected demand.
func changedAnswers(p *models.Procedure, h *models.Event) string {
	changes, _ := h.Details["changes"].([]workflow.FieldChange)
	var names []string
	for _, c := range changes {
		names = append(names, c.Field)
	}
	labels := fieldLabels(p, names)
	if len(labels) == 0 {
		return "L'usager l'a renvoyée sans modifier ses réponses."
	}
	return "Réponses modifiées : " + strings.Join(labels, ", ") + "."
}
