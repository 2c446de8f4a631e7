// Package legal words what the law requires a demand's acknowledgement of
// receipt to say (CRPA L112-3, R112-5, R112-11-1), what an incomplete
// demand's correction request must say (L114-5), and what an implicit
// decision means when it is born (L231-1, L232-3). The acknowledgement
// e-mail and the PDF receipt both carry Acknowledgement, so that they say
// the same; the dates are computed elsewhere (workflow.ImplicitDecision).
package legal

import (
	"fmt"
	"strings"
	"time"

	"guichet/calendar"
	"guichet/models"
)

// Mention is one labelled item of an acknowledgement or a notice.
type Mention struct{ Label, Value string }

// Service names who handles a commune's demands.
func Service(c *models.Commune) string { return "Accueil — guichet unique de la mairie de " + c.Name }

// day words a date column's day, "02/02/2027".
func day(t *time.Time) string {
	d, ok := models.Day(t)
	if !ok {
		return ""
	}
	return Day(d)
}

// Day words a calendar date, "02/02/2027".
func Day(d calendar.Date) string { return fmt.Sprintf("%02d/%02d/%d", d.Day, d.Month, d.Year) }

// Decision words what the commune's silence on d means under version v and
// when, or "" when the demand has no implicit decision date.
func Decision(v *models.ProcedureVersion, d *models.Demand) string {
	born := day(d.ImplicitDecisionOn)
	switch {
	case v.Silence == calendar.SilenceNone || v.Silence == "":
		return "Cette démarche ne fait naître aucune décision implicite : le silence de la mairie ne vaut ni acceptation ni rejet. La mairie vous répondra par e-mail."
	case born == "":
		return ""
	}
	last, _ := models.Day(d.ImplicitDecisionOn)
	verdict, rule := "acceptée", "le silence gardé par la mairie vaut acceptation (article L231-1 du code des relations entre le public et l'administration)"
	if v.Silence == calendar.SilenceRejection {
		verdict, rule = "rejetée", "le silence gardé par la mairie vaut rejet"
	}
	return fmt.Sprintf("Pour cette démarche, %s au terme d'un délai de %s. Sans réponse de la mairie au plus tard le %s, votre demande sera réputée %s le %s (décision implicite). Ce délai est suspendu tant que la mairie attend de vous une pièce ou une correction qu'elle vous a demandée.",
		rule, v.Delay().French(), Day(last.AddDays(-1)), verdict, born)
}

// Appeals words the appeal routes against an implicit rejection born on
// the day given ("" when unknown).
func Appeals(c *models.Commune, born string) string {
	from := "de la date de la décision implicite de rejet"
	if born != "" {
		from = "du " + born + ", date de la décision implicite de rejet"
	}
	return fmt.Sprintf("Voies de recours : dans un délai de deux mois à compter %s, vous pouvez former un recours gracieux auprès du maire de %s, un recours hiérarchique auprès de l'autorité supérieure le cas échéant, ou un recours contentieux devant le tribunal administratif territorialement compétent (y compris par l'application Télérecours citoyens, www.telerecours.fr). Un recours gracieux ou hiérarchique prolonge le délai du recours contentieux. Vous pouvez aussi demander les motifs de la décision implicite dans ce délai (article L232-4 du code des relations entre le public et l'administration).",
		from, c.Name)
}

// Attestation words the right to an attestation of an implicit acceptance.
func Attestation() string {
	return "Attestation : une fois la décision implicite d'acceptation née, vous pouvez demander à la mairie une attestation de cette décision ; elle vous la délivre sans délai (article L232-3 du code des relations entre le public et l'administration)."
}

// Acknowledgement is what the acknowledgement of receipt of d must say
// (CRPA L112-3, R112-5, R112-11-1): its date of receipt, the service that
// handles it and how to reach it, the date of its implicit decision and
// whether silence means acceptance or rejection, and then the appeal
// routes or the right to an attestation.
func Acknowledgement(c *models.Commune, v *models.ProcedureVersion, d *models.Demand) []Mention {
	received := ""
	if d.SubmittedAt != nil {
		received = d.SubmittedAt.In(calendar.Paris).Format("02/01/2006 à 15:04")
	}
	ms := []Mention{
		{"Reçue le", received},
		{"Service en charge", Service(c)},
		{"Adresse postale", c.Address},
		{"Téléphone", c.Phone},
		{"E-mail", c.Email},
	}
	if born := day(d.ImplicitDecisionOn); born != "" {
		ms = append(ms, Mention{"Décision implicite le", born})
	}
	if dec := Decision(v, d); dec != "" {
		ms = append(ms, Mention{"Silence de la mairie", dec})
	}
	switch v.Silence {
	case calendar.SilenceAcceptance:
		ms = append(ms, Mention{"Attestation", strings.TrimPrefix(Attestation(), "Attestation : ")})
	case calendar.SilenceRejection:
		ms = append(ms, Mention{"Voies de recours", strings.TrimPrefix(Appeals(c, day(d.ImplicitDecisionOn)), "Voies de recours : ")})
	}
	return ms
}

// Reached is what the citizen is told when the implicit decision on d is
// born: what it means, and what they may do.
func Reached(c *models.Commune, v *models.ProcedureVersion, d *models.Demand) []string {
	born := day(d.ImplicitDecisionOn)
	if v.Silence == calendar.SilenceRejection {
		return []string{
			fmt.Sprintf("La mairie n'a pas répondu à votre demande dans le délai de %s : depuis le %s, votre demande est réputée rejetée (décision implicite de rejet).", v.Delay().French(), born),
			Appeals(c, born),
		}
	}
	return []string{
		fmt.Sprintf("La mairie n'a pas répondu à votre demande dans le délai de %s : depuis le %s, votre demande est réputée acceptée (décision implicite d'acceptation, article L231-1 du code des relations entre le public et l'administration).", v.Delay().French(), born),
		Attestation(),
	}
}

// Correction is what a correction request must say besides the agent's
// message (L114-5): the missing items, by their fields' labels, and the
// day by which to send them.
func Correction(v *models.ProcedureVersion, d *models.Demand, labels []string) []Mention {
	var ms []Mention
	if len(labels) > 0 {
		ms = append(ms, Mention{"Éléments manquants", strings.Join(labels, ", ")})
	}
	if due := day(d.CorrectionDueOn); due != "" {
		ms = append(ms, Mention{"À envoyer au plus tard le", due})
	}
	if v.Silence == calendar.SilenceAcceptance || v.Silence == calendar.SilenceRejection {
		ms = append(ms, Mention{"Délai de décision", "Le délai au terme duquel votre demande serait réputée " +
			map[calendar.Silence]string{calendar.SilenceAcceptance: "acceptée", calendar.SilenceRejection: "rejetée"}[v.Silence] +
			" est suspendu jusqu'à la réception des éléments demandés (article L114-5 du code des relations entre le public et l'administration) ; il reprend quand vous renvoyez votre demande."})
	}
	return ms
}
