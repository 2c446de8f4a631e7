package forms

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"guichet/calendar"
	"guichet/models"
)

// The legal set-up of a procedure: what the commune's silence means and
// after how long (CRPA L231-1), and what its acknowledgement then needs
// (R112-5): the service's postal address, phone and e-mail.

// ParseDelay reads a delay as a file writes it: "2 mois", "15 jours",
// "1 semaine".
func ParseDelay(s string) (calendar.Delay, error) {
	n, unit, ok := strings.Cut(strings.TrimSpace(s), " ")
	num, err := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err != nil {
		return calendar.Delay{}, fmt.Errorf("le délai « %s » doit être un nombre suivi de jours, semaines ou mois (par exemple « 2 mois »)", s)
	}
	unit = strings.ToLower(strings.TrimSpace(unit))
	switch unit {
	case "jour":
		unit = "jours"
	case "semaine":
		unit = "semaines"
	}
	d := calendar.Delay{N: num, Unit: calendar.DelayUnit(unit)}
	if err := d.Check(); err != nil {
		return d, fmt.Errorf("%s", strings.TrimSuffix(strings.ToLower(err.Error()[:1])+err.Error()[1:], "."))
	}
	return d, nil
}

// FormatDelay writes a delay as ParseDelay reads it.
func FormatDelay(d calendar.Delay) string { return fmt.Sprintf("%d %s", d.N, d.Unit) }

// silence is the definition's rule, the empty one being none.
func (d Definition) silence() calendar.Silence {
	if d.Silence == "" {
		return calendar.SilenceNone
	}
	return calendar.Silence(d.Silence)
}

// legalProblems lists what is wrong with the definition's silence, delay
// and motif.
func (d Definition) legalProblems() []Problem {
	var out []Problem
	add := func(attr, msg string) { out = append(out, Problem{Field: -1, Attr: attr, Msg: msg}) }
	s := d.silence()
	if !slices.Contains(calendar.Silences, s) {
		add("silence", fmt.Sprintf("la règle du silence « %s » est inconnue : acceptation, rejet ou aucune", d.Silence))
	}
	switch {
	case d.Delay != "":
		if _, err := ParseDelay(d.Delay); err != nil {
			add("delai", err.Error())
		}
	case s == calendar.SilenceAcceptance || s == calendar.SilenceRejection:
		add("delai", fmt.Sprintf("« %s » demande un délai (délai, par exemple « 2 mois ») : l'accusé de réception doit dire quand le silence vaut décision", strings.ToLower(s.Label())))
	}
	if d.Motif != "" {
		names := models.ParsePath(d.Motif)
		if len(names) == 0 || len(names) > models.MaxMotifDepth {
			add("motif", "le motif se nomme par un à trois niveaux, « Thème / Motif / Sous-motif »")
		}
	}
	return out
}

// delay is the definition's delay, the general rule when it has none.
func (d Definition) delay() calendar.Delay {
	if dl, err := ParseDelay(d.Delay); err == nil {
		return dl
	}
	return calendar.DefaultDelay
}

// CommuneProblems lists, in French, what the commune's identity lacks for
// the acknowledgement of the procedure's demands (CRPA R112-5): when
// silence is a decision, the service's postal address, phone and e-mail.
func (d Definition) CommuneProblems(c *models.Commune) []string {
	if d.silence() == calendar.SilenceNone {
		return nil
	}
	var missing []string
	for _, f := range []struct{ v, name string }{{c.Address, "adresse postale"}, {c.Phone, "téléphone"}, {c.Email, "adresse e-mail"}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("« %s » : l'accusé de réception doit donner l'adresse postale, le téléphone et l'e-mail du service (CRPA R112-5), or la fiche de la commune n'a pas de %s : complétez-la dans Administration > Commune",
		strings.ToLower(d.silence().Label()), strings.Join(missing, ", ni de "))}
}

// CheckCommune checks definitions read from a file against the commune
// they are imported into, in French, naming each procedure at fault.
func CheckCommune(defs []Definition, c *models.Commune) error {
	var problems []string
	for _, d := range defs {
		for _, p := range d.CommuneProblems(c) {
			problems = append(problems, fmt.Sprintf("démarche « %s » : %s", d.Slug, p))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("définition invalide :\n- %s", strings.Join(problems, "\n- "))
	}
	return nil
}
