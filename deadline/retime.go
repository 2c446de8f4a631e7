package deadline

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"guichet/calendar"
	"guichet/models"
)

// RetimeJob is the name of Retimer's job, woken by a change of a commune's
// calendar.
const RetimeJob = "deadline due times recomputed"

// RetimeEvery is how often the job looks for changed calendars, should a
// wake be lost (the process stopped before the job ran).
const RetimeEvery = 5 * time.Minute

// retimeBatch is how many running clocks one transaction recomputes.
const retimeBatch = 200

// Retimer recomputes, after a change of a commune's calendar (its
// closures, Alsace-Moselle, its opening hours: migration
// 20261201004510_calendar_version), the due and warning times of its
// running clocks, demands' and conversations', and their subjects' due
// times. A job rather than the change's own transaction: a large
// commune's open demands are tens of thousands.
type Retimer struct {
	DB *bun.DB
}

// RunOnce recomputes the clocks of every commune whose calendar changed
// since they were counted and returns how many subjects it recomputed. A
// calendar changed again during the run is counted again by the next one.
func (j *Retimer) RunOnce(ctx context.Context, _ time.Time) (int, error) {
	changed, err := models.CalendarsChanged(ctx, j.DB)
	if err != nil {
		return 0, err
	}
	done := 0
	for _, ch := range changed {
		for after := int64(0); ; {
			var n int
			err := j.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				subjects, last, err := models.RunningSubjects(ctx, tx, ch.CommuneID, after, retimeBatch)
				if err != nil || len(subjects) == 0 {
					return err
				}
				cal, err := calendarOf(ctx, tx, ch.CommuneID)
				if err != nil {
					return err
				}
				for _, s := range subjects {
					if err := retimeSubject(ctx, tx, s, cal); err != nil {
						return err
					}
				}
				n, after = len(subjects), last
				return nil
			})
			if err != nil {
				return done, err
			}
			done += n
			if n == 0 {
				break
			}
		}
		if err := models.ClocksCounted(ctx, j.DB, ch); err != nil {
			return done, err
		}
	}
	return done, nil
}

// retimeSubject recomputes a subject's running clocks on cal, its row
// locked first, as a transition locks it before its clocks.
func retimeSubject(ctx context.Context, tx bun.Tx, s Subject, cal calendar.Calendar) error {
	if err := models.LockSubject(ctx, tx, s); err != nil {
		return err
	}
	ks, err := models.SubjectClocks(ctx, tx, s)
	if err != nil {
		return err
	}
	running := false
	for i := range ks {
		if ks[i].MetAt == nil {
			retime(cal, &ks[i])
			running = true
		}
	}
	if !running {
		return nil
	}
	return models.UpdateClocks(ctx, tx, s, ks)
}
