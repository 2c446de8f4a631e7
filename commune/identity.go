package commune

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/hours"
	"guichet/models"
	"guichet/validate"
	"guichet/wcag"
)

// DefaultAccent is a new commune's accent colour (the stylesheet's).
const DefaultAccent = "#1f4e8c"

// Identity is the admin's form of the commune's identity, as typed. Hours
// holds each weekday's ranges as written ("08:30-12:00, 13:30-17:00"),
// indexed by time.Weekday; Version is the commune's version the form was
// made from.
type Identity struct {
	Name            string `form:"nom" label:"le nom de la commune" example:"Saint-Martin" validate:"required,max=200"`
	Accent          string `form:"couleur" label:"la couleur de la commune" example:"#1f4e8c" validate:"required"`
	Address         string `form:"adresse" label:"l'adresse postale de la mairie" hint:"l'accusé de réception d'une demande la donne à l'usager" validate:"required,max=300"`
	Phone           string `form:"telephone" label:"le téléphone de la mairie" example:"01 23 45 67 89" validate:"required,max=30"`
	Email           string `form:"email" label:"l'adresse e-mail de contact de la mairie" example:"accueil@mairie.fr" validate:"required,max=254,address"`
	Website         string `form:"site" label:"l'adresse du site internet" validate:"max=300"`
	Hours           [7]string
	HoursNote       string `form:"horaires_note" label:"la précision sur les horaires" validate:"max=300"`
	MailFromName    string `form:"expediteur_nom" label:"le nom d'expéditeur des e-mails" validate:"max=100"`
	MailFromAddress string `form:"expediteur_adresse" label:"l'adresse d'expédition des e-mails" example:"guichet@mairie.fr" validate:"omitempty,max=254,address"`
	Version         int
}

// IdentityOf is the form filled with the commune's identity as it is.
func IdentityOf(c *models.Commune) Identity {
	in := Identity{Name: c.Name, Accent: c.AccentColor, Address: c.Address, Phone: c.Phone, Email: c.Email,
		Website: c.Website, HoursNote: c.HoursNote, MailFromName: c.MailFromName, MailFromAddress: c.MailFromAddress, Version: c.Version}
	for d, rs := range c.OpeningHours.Week {
		in.Hours[d] = hours.FormatDay(rs)
	}
	return in
}

// HoursField is the form field of a weekday's hours: "horaires-lundi".
func HoursField(d time.Weekday) string { return "horaires-" + hours.DayName(d) }

var phoneRe = regexp.MustCompile(`^\+?[0-9][0-9 .()-]{3,28}[0-9]$`)

// ErrStale is the refusal of a save made from a version another admin
// saved over meanwhile.
var ErrStale = apperr.New(apperr.Conflict, "La fiche de la commune a été modifiée entre-temps par un autre administrateur : vos modifications n'ont pas été enregistrées. Ce que vous avez saisi est conservé ci-dessous ; rechargez la page pour voir la fiche actuelle, ou enregistrez à nouveau pour la remplacer par votre saisie.")

// SaveIdentity checks the form and saves it over c, if nobody saved since
// in.Version (else ErrStale, c unchanged). A refusal is an
// apperr.Fields with a French message beside each field at fault.
func SaveIdentity(ctx context.Context, db bun.IDB, c *models.Commune, in Identity) error {
	errs := validate.Struct(in)
	if errs == nil {
		errs = map[string]string{}
	}
	if _, seen := errs["couleur"]; !seen {
		if msg := AccentProblem(in.Accent); msg != "" {
			errs["couleur"] = msg
		}
	}
	if _, seen := errs["telephone"]; !seen && !phoneRe.MatchString(in.Phone) {
		errs["telephone"] = "Saisissez un numéro de téléphone, par exemple 01 23 45 67 89 ou +33 1 23 45 67 89."
	}
	if _, seen := errs["site"]; !seen && in.Website != "" && !isWebsite(in.Website) {
		errs["site"] = "Saisissez l'adresse complète du site, commençant par https://, par exemple https://www.mairie.fr."
	}
	if in.MailFromName != "" && in.MailFromAddress == "" {
		errs["expediteur_adresse"] = "Indiquez l'adresse d'expédition qui accompagne ce nom, ou effacez le nom : sans adresse, les e-mails partent de l'adresse du guichet unique."
	}
	var week hours.Week
	for d, s := range in.Hours {
		rs, err := hours.ParseDay(s)
		if err != nil {
			errs[HoursField(time.Weekday(d))] = hours.DayLabel(time.Weekday(d)) + " : " + err.Error()
		}
		week[d] = rs
	}
	if len(errs) > 0 {
		return apperr.Fields(errs)
	}
	next := *c
	next.Name, next.AccentColor, next.Address, next.Phone, next.Email, next.Website = in.Name, strings.ToLower(in.Accent), in.Address, in.Phone, in.Email, in.Website
	next.OpeningHours, next.HoursNote = models.Hours{Week: week}, in.HoursNote
	next.MailFromName, next.MailFromAddress, next.Version = in.MailFromName, in.MailFromAddress, in.Version
	err := models.UpdateCommuneIdentity(ctx, db, &next)
	if errors.Is(err, models.ErrStale) {
		return ErrStale
	}
	if err != nil {
		return err
	}
	*c = next
	return nil
}

// AccentProblem says in French why a colour cannot be the commune's
// accent: not written #RRGGBB, or white text on it would read under
// wcag.MinText (the ratio measured is given). "" when it can.
func AccentProblem(s string) string {
	col, ok := wcag.ParseHex(s)
	if !ok {
		return "Écrivez la couleur en hexadécimal, un # suivi de six chiffres ou lettres de a à f, par exemple #1f4e8c."
	}
	if r := wcag.Contrast(col, wcag.White); r < wcag.MinText {
		return fmt.Sprintf("Cette couleur est trop claire : le texte blanc qui s'y écrit n'aurait qu'un contraste de %s:1, quand il faut au moins %s:1 pour être lu de tous (RGAA, critère 3.2). Choisissez une teinte plus foncée.",
			frenchRatio(r), frenchRatio(wcag.MinText))
	}
	return ""
}

// frenchRatio writes a ratio with two decimals at most and a decimal comma: 4,48.
func frenchRatio(r float64) string {
	s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", r), "0"), ".")
	return strings.Replace(s, ".", ",", 1)
}

func isWebsite(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && strings.Contains(u.Host, ".") && u.User == nil
}
