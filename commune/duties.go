package commune

import (
	"context"
	"errors"
	"guichet/retention"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/models"
	"guichet/validate"
)

// Compliance levels of the accessibility statement (RGAA 4.1): "totalement"
// is every criterion met, "partiellement" at least half, "non" less or no
// audit at all.
var Levels = []struct{ Value, Label string }{
	{"non", "non conforme"},
	{"partiel", "partiellement conforme"},
	{"total", "totalement conforme"},
}

// LevelLabel is a level's French words ("partiellement conforme").
func LevelLabel(value string) string {
	for _, l := range Levels {
		if l.Value == value {
			return l.Label
		}
	}
	return Levels[0].Label
}

// Duties is the admin's form of the published duties, as typed. A text
// left empty is generated from the commune's identity (Published).
type Duties struct {
	Level       string `form:"niveau" label:"le niveau de conformité" validate:"oneof=non partiel total"`
	AuditOn     string `form:"audit_date" label:"la date de l'audit" example:"2026-03-15" validate:"omitempty,datetime=2006-01-02"`
	Scope       string `form:"audit_perimetre" label:"le périmètre de l'audit" validate:"max=2000"`
	Failures    string `form:"non_conformites" label:"les contenus non conformes" validate:"max=10000"`
	Contact     string `form:"contact_accessibilite" label:"le contact pour l'accessibilité" validate:"max=1000"`
	Publisher   string `form:"editeur" label:"l'éditeur du site" validate:"max=1000"`
	Director    string `form:"directeur" label:"le directeur de la publication" validate:"max=300"`
	Host        string `form:"hebergeur" label:"l'hébergeur" validate:"max=1000"`
	DataContact string `form:"contact_donnees" label:"le contact pour les données personnelles" validate:"max=1000"`
	Version     int
}

// DutiesOf is the form filled with the commune's duties as they are.
func DutiesOf(c *models.Commune) Duties {
	d := Duties{Level: c.A11yLevel, Scope: c.A11yScope, Failures: c.A11yFailures, Contact: c.A11yContact,
		Publisher: c.LegalPublisher, Director: c.LegalDirector, Host: c.LegalHost, DataContact: c.DataContact, Version: c.DutiesVersion}
	if c.A11yAuditOn != nil {
		d.AuditOn = c.A11yAuditOn.Format(time.DateOnly)
	}
	return d
}

// ErrDutiesStale refuses a save over another admin's.
var ErrDutiesStale = apperr.New(apperr.Conflict, "Les informations légales ont été modifiées entre-temps par un autre administrateur : vos modifications n'ont pas été enregistrées. Ce que vous avez saisi est conservé ci-dessous ; rechargez la page pour voir la version actuelle, ou enregistrez à nouveau pour la remplacer par votre saisie.")

// SaveDuties checks the form and saves it over c at now, if nobody saved
// since in.Version (else ErrDutiesStale, c unchanged). A level above "non
// conforme" needs an audit's date: without an audit, RGAA says non conforme.
func SaveDuties(ctx context.Context, db bun.IDB, c *models.Commune, in Duties, now time.Time) error {
	errs := validate.Struct(in)
	if errs == nil {
		errs = map[string]string{}
	}
	var audit *time.Time
	if _, bad := errs["audit_date"]; !bad && in.AuditOn != "" {
		day, _ := time.Parse(time.DateOnly, in.AuditOn)
		if day.After(now) {
			errs["audit_date"] = "La date de l'audit ne peut pas être dans le futur."
		}
		audit = &day
	}
	if _, bad := errs["niveau"]; !bad && in.Level != "non" && in.AuditOn == "" {
		errs["audit_date"] = "Indiquez la date de l'audit : sans audit, le site est « non conforme » (RGAA 4.1)."
	}
	if len(errs) > 0 {
		return apperr.Fields(errs)
	}
	next := *c
	next.A11yLevel, next.A11yAuditOn, next.A11yScope, next.A11yFailures, next.A11yContact = in.Level, audit, in.Scope, in.Failures, in.Contact
	next.LegalPublisher, next.LegalDirector, next.LegalHost, next.DataContact = in.Publisher, in.Director, in.Host, in.DataContact
	next.DutiesVersion, next.DutiesUpdatedAt = in.Version, &now
	if err := models.UpdateCommuneDuties(ctx, db, &next); err != nil {
		if errors.Is(err, models.ErrStale) {
			return ErrDutiesStale
		}
		return err
	}
	*c = next
	return nil
}

// Published is what the public pages show: the admin's texts, or those
// generated from the identity where the admin wrote none.
type Published struct {
	Level, LevelLabel string
	AuditOn           *time.Time // nil: no audit yet
	Scope             string
	Failures          []string // a line each
	Contact           []string
	Publisher         []string
	Director          string
	Host              []string // nil: not given yet
	DataContact       []string
	UpdatedOn         *time.Time
}

// PublishedOf fills the public pages' texts of c.
func PublishedOf(c *models.Commune) Published {
	mairie := append(append([]string{"Mairie de " + c.Name}, lines(c.Address)...), nonEmpty(c.Phone, c.Email)...)
	return Published{
		Level: c.A11yLevel, LevelLabel: LevelLabel(c.A11yLevel), AuditOn: c.A11yAuditOn,
		Scope:       or(c.A11yScope, "Le guichet unique de "+c.Name+" : les pages de son portail (démarches en ligne, contact, suivi des demandes) et les pages de ses agents."),
		Failures:    lines(c.A11yFailures),
		Contact:     or(lines(c.A11yContact), mairie),
		Publisher:   or(lines(c.LegalPublisher), mairie),
		Director:    or(c.LegalDirector, "Le maire de "+c.Name),
		Host:        lines(c.LegalHost),
		DataContact: or(lines(c.DataContact), mairie),
		UpdatedOn:   c.DutiesUpdatedAt,
	}
}

// RetentionLine is how long one kind of record is kept, in months.
type RetentionLine struct {
	What   string
	Months int
	After  string // what the months count from
}

// Retention is how long the commune keeps what, for its personal data
// page: the rules retention/ applies (retention.CommuneFacts), worded.
func Retention(ctx context.Context, db bun.IDB, communeID int64) ([]RetentionLine, error) {
	f, err := retention.CommuneFacts(ctx, db, communeID)
	if err != nil {
		return nil, err
	}
	var out []RetentionLine
	for _, p := range f.Procedures {
		if p.Active {
			out = append(out, RetentionLine{What: "Demandes « " + p.Title + " »", Months: p.Months, After: "après la décision"})
		}
	}
	return append(out,
		RetentionLine{What: "Brouillons de demande jamais déposés", Months: f.DraftMonths, After: "sans modification"},
		RetentionLine{What: "Messages à la mairie sans demande", Months: f.ConversationMonths, After: "après leur résolution"},
		RetentionLine{What: "Courriels reçus sans conversation (retours d'erreur, expéditeurs refusés)", Months: f.ConversationMonths, After: "après leur réception"},
	), nil
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func lines(s string) []string { return nonEmpty(strings.Split(s, "\n")...) }

func or[T string | []string](v, fallback T) T {
	if len(v) == 0 {
		return fallback
	}
	return v
}
