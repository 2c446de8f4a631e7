package calendar

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Silence is what the administration's silence on a demand means once its
// delay has passed (CRPA L231-1 and its exceptions, L231-4).
type Silence string

// What silence may mean.
const (
	SilenceNone       Silence = "aucune"      // no implicit decision
	SilenceAcceptance Silence = "acceptation" // silence vaut acceptation
	SilenceRejection  Silence = "rejet"       // silence vaut rejet
)

// Silences are the choices, the general rule first.
var Silences = []Silence{SilenceAcceptance, SilenceRejection, SilenceNone}

// Label is the French name of the rule.
func (s Silence) Label() string {
	switch s {
	case SilenceAcceptance:
		return "Silence vaut acceptation"
	case SilenceRejection:
		return "Silence vaut rejet"
	case SilenceNone:
		return "Pas de décision implicite"
	}
	return string(s)
}

// DelayUnit is the unit of a legal delay: calendar days, weeks or months.
type DelayUnit string

// The units of a legal delay.
const (
	Days   DelayUnit = "jours"
	Weeks  DelayUnit = "semaines"
	Months DelayUnit = "mois"
)

// DelayUnits are the units a legal delay may be given in.
var DelayUnits = []DelayUnit{Days, Weeks, Months}

// Delay is the delay after which silence is a decision.
type Delay struct {
	N    int
	Unit DelayUnit
}

// DefaultDelay is the general rule: two months (CRPA L231-1).
var DefaultDelay = Delay{2, Months}

// French is the delay as a sentence says it: "2 mois", "1 semaine", "15 jours".
func (d Delay) French() string {
	unit := string(d.Unit)
	if d.N == 1 && d.Unit != Months {
		unit = unit[:len(unit)-1]
	}
	return fmt.Sprintf("%d\u00a0%s", d.N, unit)
}

// Check says, in French, what is wrong with a delay.
func (d Delay) Check() error {
	if !slices.Contains(DelayUnits, d.Unit) {
		return errors.New("Le délai se compte en jours, en semaines ou en mois.")
	}
	if d.N < 1 || d.N > 1000 {
		return fmt.Errorf("Le délai doit être d'au moins 1 et d'au plus 1000 %s.", d.Unit)
	}
	return nil
}

// Correction is a time the demand waited for the citizen to complete it:
// from the day the correction was asked to the day the citizen sent it,
// both counted. For a correction still awaited, give today as Answered: the
// date is then what it will be if the citizen answers today.
type Correction struct {
	Asked, Answered Date
}

// ImplicitDecision is when silence on a demand becomes a decision.
type ImplicitDecision struct {
	// LastDay is the delay's last day: the administration may still decide
	// until its end, 24 h.
	LastDay Date
	// Date is the day the implicit decision is born, the day after LastDay.
	Date Date
	// Waited is the number of days added for corrections.
	Waited int
	// Postponed is set when the last day fell on a Saturday, a Sunday or a
	// public holiday and was moved to the next working day.
	Postponed bool
}

// ImplicitDecision computes when silence on a demand received on receipt
// becomes a decision, as the national platform (démarches-simplifiées)
// does, with the computation of the code de procédure civile:
//
//   - the delay starts the day after receipt (art. 641): in days, it ends
//     receipt + n days; in weeks, receipt + 7n days; in months, on the day
//     of the last month with receipt's number, or that month's last day
//     when it has none (31 January + 1 month: 28 or 29 February);
//   - the days spent waiting for a correction are added (CRPA L114-5), each
//     day counted once however many corrections overlap it;
//   - a last day on a Saturday, a Sunday or a public holiday (Alsace-
//     Moselle's included for its communes) moves to the next day that is
//     none of them (art. 642); the commune's own closures and opening hours
//     do not count, the delay is in calendar days;
//   - the decision is born when the last day ends: Date is the day after.
func (c Calendar) ImplicitDecision(receipt Date, delay Delay, corrections []Correction) ImplicitDecision {
	var last Date
	switch delay.Unit {
	case Months:
		last = receipt.AddMonths(delay.N)
	case Weeks:
		last = receipt.AddDays(7 * delay.N)
	default:
		last = receipt.AddDays(delay.N)
	}
	waited := waitedDays(receipt, corrections)
	last = last.AddDays(waited)
	moved := last
	for moved.Weekday() == time.Saturday || moved.Weekday() == time.Sunday || HolidayName(moved, c.alsaceMoselle) != "" {
		moved = moved.AddDays(1)
	}
	return ImplicitDecision{LastDay: moved, Date: moved.AddDays(1), Waited: waited, Postponed: moved != last}
}

// waitedDays counts the days of the corrections from receipt on, each day
// once.
func waitedDays(receipt Date, corrections []Correction) int {
	cs := slices.Clone(corrections)
	slices.SortFunc(cs, func(a, b Correction) int { return a.Asked.Compare(b.Asked) })
	n := 0
	next := receipt // the first day not counted yet
	for _, k := range cs {
		from := k.Asked
		if from.Before(next) {
			from = next
		}
		if !k.Answered.Before(from) {
			n += from.DaysUntil(k.Answered) + 1
			next = k.Answered.AddDays(1)
		}
	}
	return n
}
