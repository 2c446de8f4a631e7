package workflow

import (
	"context"
	"slices"

	"github.com/uptrace/bun"

	"guichet/calendar"
	"guichet/history"
	"guichet/models"
)

// The legal deadline of a demand (CRPA L231-1, L114-5): when the commune's
// silence becomes a decision, counted from the receipt with the days the
// demand waited for its citizen's corrections.

// CorrectionDays is the default time given to send a correction: the
// administration sets it (L114-5), an agent may choose another.
const CorrectionDays = 15

// Corrections are the times a demand waited for its citizen, from its
// history: from each correction asked to the resubmission that answered
// it, or to today for the one still awaited. It is the one place that
// finds them.
func Corrections(ctx context.Context, db bun.IDB, d *models.Demand, today calendar.Date) ([]calendar.Correction, error) {
	evs, err := models.HistoryOfKinds(ctx, db, d.CommuneID, d.ID, string(RequestCorrection), string(Resubmit))
	if err != nil {
		return nil, err
	}
	var out []calendar.Correction
	open := false
	for _, ev := range evs {
		day := calendar.DateOf(ev.At)
		switch {
		case ev.Kind == string(RequestCorrection) && !open:
			out, open = append(out, calendar.Correction{Asked: day}), true
		case ev.Kind == string(Resubmit) && open:
			out[len(out)-1].Answered, open = day, false
		}
	}
	if open {
		out[len(out)-1].Answered = today
	}
	return out, nil
}

// ImplicitDecision is when silence on the demand becomes a decision under
// its procedure version; ok is false when the version has none, or the
// demand is not received.
func ImplicitDecision(cal calendar.Calendar, v *models.ProcedureVersion, d *models.Demand, corrections []calendar.Correction) (calendar.ImplicitDecision, bool) {
	if v.Silence == calendar.SilenceNone || v.Silence == "" || d.SubmittedAt == nil {
		return calendar.ImplicitDecision{}, false
	}
	return cal.ImplicitDecision(calendar.DateOf(*d.SubmittedAt), v.Delay(), corrections), true
}

// setImplicitDecision stores on d the day its implicit decision is born,
// counted with its corrections as of today (a demand just submitted has
// none to read).
func setImplicitDecision(ctx context.Context, tx bun.Tx, t *models.Transition, today calendar.Date, corrected bool) error {
	d := &t.Demand
	if t.Version.Silence == calendar.SilenceNone {
		return nil
	}
	cal, _, err := models.CommuneCalendar(ctx, tx, &t.Commune)
	if err != nil {
		return err
	}
	var cs []calendar.Correction
	if corrected {
		if cs, err = Corrections(ctx, tx, d, today); err != nil {
			return err
		}
	}
	if id, ok := ImplicitDecision(cal, &t.Version, d, cs); ok {
		d.ImplicitDecisionOn = models.DayTime(id.Date)
	}
	return nil
}

// KindImplicitDecision is the birth of a demand's implicit decision: its
// delay passed without an answer. Public: the citizen is told what it means.
const KindImplicitDecision = "implicit_decision"

func init() {
	word := func(e models.Event) string {
		if e.Details["silence"] == string(calendar.SilenceRejection) {
			return "Décision implicite de rejet : la mairie n'a pas répondu dans le délai légal"
		}
		return "Décision implicite d'acceptation : la mairie n'a pas répondu dans le délai légal"
	}
	history.Register(history.Kind{Name: KindImplicitDecision, Citizen: word, Agent: word})
}

// Suspended are the states whose demands wait for their citizen: the
// delay of the implicit decision does not run.
var Suspended = []string{Draft, CorrectionRequested}

// ImplicitWarningDays is how long before its implicit decision an
// undecided demand is flagged to agents.
const ImplicitWarningDays = 15

// ImplicitDue is the number of days from today to the birth of d's
// implicit decision (0 or less: born), and whether agents are to be warned:
// the demand undecided, its delay running, the day within
// ImplicitWarningDays or past. ok is false when d has no such date.
func ImplicitDue(d *models.Demand, today calendar.Date) (days int, warn, ok bool) {
	born, ok := models.Day(d.ImplicitDecisionOn)
	if !ok {
		return 0, false, false
	}
	days = today.DaysUntil(born)
	running := d.DecidedAt == nil && !slices.Contains(Suspended, d.State)
	return days, running && days <= ImplicitWarningDays, true
}
