package satisfaction

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/links"
	"guichet/models"
	"guichet/notify"
	"guichet/perm"
	"guichet/validate"
	"guichet/workflow"
)

// Refusal reasons, and how the moderator and the author read them.
var Reasons = []struct{ Value, Label string }{
	{"insults", "Propos injurieux"},
	{"personal", "Données personnelles"},
	{"off_topic", "Hors sujet : ne concerne pas les services de la commune"},
}

// ReasonLabel is a refusal reason's French label ("" for none).
func ReasonLabel(v string) string {
	for _, r := range Reasons {
		if r.Value == v {
			return r.Label
		}
	}
	return ""
}

// PostInput is an experience as the public form sends it.
type PostInput struct {
	Body      string `form:"experience" label:"votre expérience" validate:"required,min=20,max=4000"`
	Email     string `form:"email" label:"votre adresse e-mail" example:"nom@exemple.fr" validate:"required,max=254,address"`
	ServiceID int64  `form:"service"`
	Client    string `form:"-"` // the author's network address, for the limits
}

// How many experiences may be posted in an hour per address and per
// client: each one e-mails its author and the supervisors.
const (
	PostPerAddress = 3
	PostPerClient  = 10
)

// Post records a citizen's experience, to moderate; the author is told it
// arrived and what happens next.
func (m *Manager) Post(ctx context.Context, c *models.Commune, in PostInput) (*models.Experience, error) {
	in.Body, in.Email = strings.TrimSpace(in.Body), strings.TrimSpace(in.Email)
	errs := validate.Struct(&in)
	if errs == nil {
		errs = map[string]string{}
	}
	x := &models.Experience{CommuneID: c.ID, Body: in.Body, AuthorEmail: in.Email, Status: models.ExperiencePending,
		AnswerStatus: models.AnswerNone, CreatedAt: m.Clock.Now()}
	if in.ServiceID != 0 {
		if s, err := models.ServiceByID(ctx, m.DB, c.ID, in.ServiceID); err != nil || !s.Active {
			errs["service"] = "Choisissez un service de la liste, ou « Je ne sais pas »."
		} else {
			x.SuggestedServiceID = &s.ID
		}
	}
	if len(errs) > 0 {
		return nil, apperr.Fields(errs)
	}
	if err := m.postLimits(ctx, in); err != nil {
		return nil, err
	}
	err := m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := models.InsertExperience(ctx, tx, x); err != nil {
			return err
		}
		return m.Notifier.MailExperience(ctx, tx, c, x, notify.Mail{
			Subject:    "Votre avis est bien reçu",
			Paragraphs: []string{"Merci pour votre avis sur les services de la mairie. Il va être relu par un modérateur, qui n'est pas le service concerné, avant d'être publié et transmis au service qui y répondra. Vous serez prévenu par e-mail à chaque étape."},
		})
	})
	return x, err
}

// postLimits counts an experience against the author's address and
// client, and refuses it in French once either had its share of the hour.
func (m *Manager) postLimits(ctx context.Context, in PostInput) error {
	byAddress := models.RateLimit{Key: "avis:email:" + strings.ToLower(in.Email), Max: PostPerAddress, Per: time.Hour}
	byClient := models.RateLimit{Key: "avis:ip:" + in.Client, Max: PostPerClient, Per: time.Hour}
	over, err := models.CountEvent(ctx, m.DB, m.Clock.Now(), byAddress, byClient)
	if err != nil || over == nil {
		return err
	}
	why := "Trop d'avis ont été envoyés depuis cette adresse e-mail au cours de la dernière heure."
	if over.Key == byClient.Key {
		why = "Trop d'avis ont été envoyés depuis votre connexion au cours de la dernière heure."
	}
	e := apperr.Field("email", why+" Pour éviter les envois abusifs, réessayez dans une heure, ou appelez la mairie.")
	e.Code = apperr.TooMany
	return e
}

// Moderation actions.
const (
	Publish = "publier"
	Refuse  = "refuser"
	Reroute = "reorienter"
)

// ModerateInput is a moderator's decision.
type ModerateInput struct {
	Action    string
	Reason    string // Refuse
	ServiceID int64  // Publish, Reroute
}

// Moderate publishes a pending experience (routed to a service), refuses
// it with a reason, or reroutes a published one not yet answered to
// another service. Only a supervisor moderates: services have no say, and
// an agent of the accueil none either.
func (m *Manager) Moderate(ctx context.Context, actor workflow.Actor, id int64, in ModerateInput) (*models.Experience, error) {
	if !actor.Perms.Has(perm.Supervise) {
		return nil, apperr.New(apperr.Forbidden, "Seul un superviseur modère les avis.")
	}
	var x *models.Experience
	err := m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if x, err = models.LockExperience(ctx, tx, actor.CommuneID, id); err == models.ErrNotFound {
			return apperr.New(apperr.NotFound, "Cet avis n'existe pas.")
		} else if err != nil {
			return err
		}
		c, err := models.CommuneByID(ctx, tx, actor.CommuneID)
		if err != nil {
			return err
		}
		now := m.Clock.Now()
		x.ModeratedBy, x.ModeratedAt = actor.Name, &now
		cols := []string{"status", "moderated_by", "moderated_at"}
		switch in.Action {
		case Publish, Reroute:
			if in.Action == Publish && x.Status != models.ExperiencePending {
				return apperr.New(apperr.Conflict, "Cet avis est déjà modéré.")
			}
			if in.Action == Reroute && (x.Status != models.ExperiencePublished || x.AnswerStatus != models.AnswerNone) {
				return apperr.New(apperr.Conflict, "Seul un avis publié et encore sans réponse peut être réorienté.")
			}
			s, err := models.ServiceByID(ctx, tx, c.ID, in.ServiceID)
			if err != nil || !s.Active {
				return apperr.Field("service", "Choisissez le service qui répondra.")
			}
			if in.Action == Reroute && x.ServiceID != nil && *x.ServiceID == s.ID {
				return apperr.Field("service", "L'avis est déjà orienté vers ce service : choisissez-en un autre.")
			}
			first := x.Status == models.ExperiencePending
			x.Status, x.ServiceID = models.ExperiencePublished, &s.ID
			cols = append(cols, "service_id")
			if first {
				x.PublishedAt = &now
				cols = append(cols, "published_at")
			}
			if err := models.UpdateExperience(ctx, tx, x, cols...); err != nil {
				return err
			}
			if first {
				if err := m.Notifier.MailExperience(ctx, tx, c, x, notify.Mail{
					Subject:    "Votre avis est publié",
					Paragraphs: []string{fmt.Sprintf("Votre avis a été relu et publié. Il est transmis au service %s, qui va y répondre publiquement ; vous en serez prévenu par e-mail.", s.Name)},
				}); err != nil {
					return err
				}
			}
			return m.Notifier.MailExperienceToService(ctx, tx, c, s, x)
		case Refuse:
			if x.Status != models.ExperiencePending {
				return apperr.New(apperr.Conflict, "Cet avis est déjà modéré.")
			}
			label := ReasonLabel(in.Reason)
			if label == "" {
				return apperr.Field("motif", "Choisissez le motif du refus.")
			}
			x.Status, x.RefusalReason = models.ExperienceRefused, in.Reason
			if err := models.UpdateExperience(ctx, tx, x, append(cols, "refusal_reason")...); err != nil {
				return err
			}
			return m.Notifier.MailExperience(ctx, tx, c, x, notify.Mail{
				Subject: "Votre avis n'a pas été publié",
				Paragraphs: []string{"Votre avis a été relu mais ne peut pas être publié, pour ce motif : " + label + ".",
					"Vous pouvez en déposer un autre, ou écrire à la mairie depuis « Contacter la mairie »."},
				Link: &notify.Link{Label: "Contacter la mairie", URL: m.Notifier.BaseURL + "/c/" + c.Slug + "/contact"},
			})
		}
		return apperr.New(apperr.Invalid, "Action inconnue.")
	})
	return x, err
}

// Why a service's link to an experience does not open.
var (
	ErrLinkInvalid = errors.New("invalid experience link")
	ErrLinkRevoked = errors.New("revoked experience link")
)

// ServiceAccess is what a service's link to an experience opens.
type ServiceAccess struct {
	Commune    *models.Commune
	Service    *models.Service
	Experience *models.Experience
}

// CheckServiceLink verifies a service's link to an experience: signed for
// that purpose, the URL's commune, a service still active whose links were
// not revoked, and an experience published and routed to that service (one
// rerouted elsewhere closes the old service's link; one never published
// never opens).
func (m *Manager) CheckServiceLink(ctx context.Context, c *models.Commune, token string) (*ServiceAccess, error) {
	cl, err := m.Links.Verify(links.Experience, token)
	if err == links.ErrInvalid || cl.CommuneID != c.ID {
		return nil, ErrLinkInvalid
	}
	if err != nil {
		return nil, err
	}
	a := &ServiceAccess{Commune: c}
	if a.Service, err = models.ServiceByID(ctx, m.DB, c.ID, cl.ServiceID); err != nil {
		return nil, ErrLinkInvalid
	}
	if !a.Service.Active || cl.Epoch != a.Service.LinkEpoch {
		return nil, ErrLinkRevoked
	}
	a.Experience, err = models.ExperienceByID(ctx, m.DB, c.ID, cl.ExperienceID)
	if err != nil || a.Experience.Status != models.ExperiencePublished || a.Experience.ServiceID == nil || *a.Experience.ServiceID != a.Service.ID {
		return nil, ErrLinkInvalid
	}
	return a, nil
}

// AnswerInput is a service's public answer, or its improvement.
type AnswerInput struct {
	Person string `form:"nom" label:"votre nom" validate:"max=100"`
	Text   string `form:"reponse" label:"la réponse" validate:"required,min=10,max=4000"`
}

// Answer records a service's public answer to an experience routed to it,
// held until an agent who validates replies lets it out (perm.Validate, as
// conversation replies held for validation); a held answer may be
// rewritten until then.
func (m *Manager) Answer(ctx context.Context, a *ServiceAccess, in AnswerInput) error {
	in.Text, in.Person = strings.TrimSpace(in.Text), strings.TrimSpace(in.Person)
	if errs := validate.Struct(&in); errs != nil {
		return apperr.Fields(errs)
	}
	return m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		x, err := models.LockExperience(ctx, tx, a.Commune.ID, a.Experience.ID)
		if err != nil {
			return err
		}
		if x.AnswerStatus == models.AnswerPublished {
			return apperr.New(apperr.Conflict, "Votre réponse est déjà publiée.")
		}
		now := m.Clock.Now()
		x.Answer, x.AnswerStatus, x.AnsweredBy, x.AnsweredAt = in.Text, models.AnswerHeld, answerer(a.Service, in.Person), &now
		return models.UpdateExperience(ctx, tx, x, "answer", "answer_status", "answered_by", "answered_at")
	})
}

func answerer(s *models.Service, person string) string {
	if person == "" {
		return "Service " + s.Name
	}
	return "Service " + s.Name + " (" + person + ")"
}

// ValidateAnswer publishes a held answer, as the validator edited it; the
// author is told and asked to rate it.
func (m *Manager) ValidateAnswer(ctx context.Context, actor workflow.Actor, id int64, text string) error {
	if !actor.Perms.Has(perm.Validate) {
		return apperr.New(apperr.Forbidden, "Seul un agent qui valide les réponses publie la réponse d'un service.")
	}
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n < 10 || n > MaxBody {
		return apperr.Field("reponse", "La réponse doit compter de 10 à 4 000 caractères.")
	}
	return m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		x, err := models.LockExperience(ctx, tx, actor.CommuneID, id)
		if err == models.ErrNotFound || (err == nil && x.AnswerStatus != models.AnswerHeld) {
			return apperr.New(apperr.NotFound, "Aucune réponse n'attend de validation pour cet avis.")
		}
		if err != nil {
			return err
		}
		c, err := models.CommuneByID(ctx, tx, actor.CommuneID)
		if err != nil {
			return err
		}
		x.Answer, x.AnswerStatus, x.ValidatedBy = text, models.AnswerPublished, actor.Name
		if err := models.UpdateExperience(ctx, tx, x, "answer", "answer_status", "validated_by"); err != nil {
			return err
		}
		rate, err := m.Notifier.RatingLink(ctx, tx, c, &models.Rating{ExperienceID: &x.ID, ServiceID: x.ServiceID, Email: x.AuthorEmail})
		if err != nil {
			return err
		}
		return m.Notifier.MailExperience(ctx, tx, c, x, notify.Mail{
			Subject:    "Le service a répondu à votre avis",
			Paragraphs: []string{"Le service concerné a répondu publiquement à votre avis. Sa réponse : " + x.Answer},
			Rating:     rate,
		})
	})
}

// Improve attaches to an answered experience the improvement its service
// made since; the author is told.
func (m *Manager) Improve(ctx context.Context, a *ServiceAccess, in AnswerInput) error {
	in.Text = strings.TrimSpace(in.Text)
	if errs := validate.Struct(&in); errs != nil {
		return apperr.Fields(errs)
	}
	return m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		x, err := models.LockExperience(ctx, tx, a.Commune.ID, a.Experience.ID)
		if err != nil {
			return err
		}
		if x.AnswerStatus != models.AnswerPublished {
			return apperr.New(apperr.Conflict, "Une amélioration s'ajoute une fois la réponse publiée.")
		}
		now := m.Clock.Now()
		x.Improvement, x.ImprovedAt = in.Text, &now
		if err := models.UpdateExperience(ctx, tx, x, "improvement", "improved_at"); err != nil {
			return err
		}
		return m.Notifier.MailExperience(ctx, tx, a.Commune, x, notify.Mail{
			Subject:    "Une amélioration suit votre avis",
			Paragraphs: []string{"Le service " + a.Service.Name + " a mis en place une amélioration à la suite de votre avis : " + x.Improvement},
		})
	})
}
