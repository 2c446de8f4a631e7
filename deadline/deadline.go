// Package deadline holds the deadline policies of a commune and the clocks
// they start on demands and conversations: a first answer and a resolution,
// each due after so many working hours or working days of the commune's
// calendar, the clock stopped while the commune waits for the citizen. The
// clocks' due times are kept on their subject (demands.due_at,
// conversations.due_at) for the lists; the warnings and lapse notices are
// notify.Deadlines' job.
package deadline

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"guichet/calendar"
	"guichet/models"
)

// Subject is what clocks run on: a demand or a conversation.
type Subject = models.DeadlineSubject

// OfDemand is a demand as a subject.
func OfDemand(d *models.Demand) Subject {
	return Subject{CommuneID: d.CommuneID, DemandID: d.ID}
}

// OfConversation is a conversation as a subject.
func OfConversation(cv *models.Conversation) Subject {
	return Subject{CommuneID: cv.CommuneID, ConversationID: cv.ID}
}

// State is where a subject stands, as its clocks follow it.
type State struct {
	Waiting  bool // for the citizen (a correction asked, "en attente de l'usager"): the clocks pause
	Answered bool // the commune answered: the first answer is met
	Settled  bool // decided, resolved: every clock stops
}

// PolicyOf is the policy for a subject of the motif and procedure given:
// the policy of the motif or of the nearest motif above it, else the
// procedure's; nil when none applies.
func PolicyOf(ctx context.Context, db bun.IDB, communeID int64, motifID *int64, procedureID *int64) (*models.DeadlinePolicy, error) {
	ps, err := models.DeadlinePolicies(ctx, db, communeID)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	if motifID != nil {
		tree, err := models.Motifs(ctx, db, communeID)
		if err != nil {
			return nil, err
		}
		for _, id := range tree.Lineage(motifID) {
			for i := range ps {
				if ps[i].MotifID != nil && *ps[i].MotifID == id {
					return &ps[i], nil
				}
			}
		}
	}
	for i := range ps {
		if procedureID != nil && ps[i].ProcedureID != nil && *ps[i].ProcedureID == *procedureID {
			return &ps[i], nil
		}
	}
	return nil, nil
}

// Apply puts the subject under policy p (nil: under none), its clocks
// started at start (its receipt) and brought to its state at now. It
// replaces any clocks the subject had, keeping what they knew: the waits
// for the citizen, and a target already met.
func Apply(ctx context.Context, tx bun.Tx, s Subject, p *models.DeadlinePolicy, start, now time.Time, st State) error {
	if p == nil {
		return models.ReplaceClocks(ctx, tx, s, nil, nil)
	}
	old, err := models.SubjectClocks(ctx, tx, s)
	if err != nil {
		return err
	}
	pauses := models.Pauses{}
	for _, k := range old {
		if len(k.Pauses) > len(pauses) { // a clock met early stopped recording them
			pauses = k.Pauses
		}
	}
	var ks []models.DeadlineClock
	add := func(target string, n *int, unit calendar.Unit) {
		if n == nil {
			return
		}
		k := models.DeadlineClock{CommuneID: s.CommuneID, DemandID: s.DemandID, ConversationID: s.ConversationID,
			Target: target, PolicyID: p.ID, Amount: *n, Unit: unit, StartedAt: start, Pauses: append(models.Pauses{}, pauses...)}
		for _, o := range old {
			if o.Target == target && o.MetAt != nil {
				k.Pauses, k.MetAt = o.Pauses, o.MetAt
			}
		}
		ks = append(ks, k)
	}
	add(models.TargetFirstAnswer, p.FirstAnswer, p.FirstAnswerUnit)
	add(models.TargetResolution, p.Resolution, p.ResolutionUnit)
	cal, err := calendarOf(ctx, tx, s.CommuneID)
	if err != nil {
		return err
	}
	for i := range ks {
		if ks[i].MetAt != nil {
			due := cal.Deadline(ks[i].StartedAt, ks[i].Amount, ks[i].Unit, ks[i].Pauses)
			ks[i].DueAt = &due // met: in time or not under the new targets
		}
		follow(cal, &ks[i], st, now)
	}
	return models.ReplaceClocks(ctx, tx, s, &p.ID, ks)
}

// Observe brings the subject's running clocks to its state at now: paused
// or resumed, met, their due and warning times computed again. A subject
// without running clocks costs one query.
func Observe(ctx context.Context, tx bun.Tx, s Subject, st State, now time.Time) error {
	ks, err := models.SubjectClocks(ctx, tx, s)
	if err != nil || len(ks) == 0 {
		return err
	}
	running := false
	for _, k := range ks {
		running = running || k.MetAt == nil
	}
	if !running {
		return nil
	}
	cal, err := calendarOf(ctx, tx, s.CommuneID)
	if err != nil {
		return err
	}
	for i := range ks {
		follow(cal, &ks[i], st, now)
	}
	return models.UpdateClocks(ctx, tx, s, ks)
}

// calendarOf is the calendar the commune's deadlines count on.
func calendarOf(ctx context.Context, db bun.IDB, communeID int64) (calendar.Calendar, error) {
	cm, err := models.CommuneByID(ctx, db, communeID)
	if err != nil {
		return calendar.Calendar{}, err
	}
	cal, _, err := models.CommuneCalendar(ctx, db, cm)
	return cal, err
}

// follow is the one rule of a clock: it pauses while the subject waits for
// the citizen and resumes after; the first answer is met when the commune
// answers, every target when the subject is settled; a met clock keeps the
// due time it had, which says whether it was met in time.
func follow(cal calendar.Calendar, k *models.DeadlineClock, st State, now time.Time) {
	if k.MetAt != nil {
		return
	}
	met := st.Settled || st.Answered && k.Target == models.TargetFirstAnswer
	switch {
	case k.Paused() && (!st.Waiting || met):
		k.Pauses[len(k.Pauses)-1].To = now
	case !k.Paused() && st.Waiting && !met:
		k.Pauses = append(k.Pauses, calendar.Pause{From: now})
	}
	retime(cal, k)
	if met {
		k.MetAt = &now
	}
}

// retime computes a clock's due and warning times on the calendar: none
// while it is paused.
func retime(cal calendar.Calendar, k *models.DeadlineClock) {
	k.DueAt, k.WarnAt = nil, nil
	if due := cal.Deadline(k.StartedAt, k.Amount, k.Unit, k.Pauses); !due.IsZero() {
		warn := cal.Deadline(k.StartedAt, k.Amount-1, k.Unit, k.Pauses)
		k.DueAt, k.WarnAt = &due, &warn
	}
}

// Due words a due time for the lists and pages, as of now in Paris: "en
// retard" once passed, "à échéance aujourd'hui" on its day; Late and Today
// say which, for the badge's class.
type Due struct {
	At    *time.Time
	Label string
	Late  bool
	Today bool
}

// DueOf is how a subject's due time (nil: none) stands at now.
func DueOf(at *time.Time, now time.Time) Due {
	d := Due{At: at}
	switch {
	case at == nil:
	case !at.After(now):
		d.Label, d.Late = "en retard", true
	case calendar.DateOf(*at) == calendar.DateOf(now):
		d.Label, d.Today = "à échéance aujourd'hui", true
	}
	return d
}

// TargetLabel is a target's French name.
func TargetLabel(target string) string {
	if target == models.TargetFirstAnswer {
		return "première réponse"
	}
	return "résolution"
}
