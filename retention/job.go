package retention

import (
	"context"
	"database/sql"
	"time"

	"github.com/uptrace/bun"

	"guichet/calendar"
	"guichet/models"
	"guichet/notify"
	"guichet/workflow"
)

// Every is how often the job runs: each run does what is due on its Paris
// day, so that it works once a day whatever the hour it starts, and a run
// missed is made up by the next.
const Every = time.Hour

// batch is how many rows one step of a run handles.
const batch = 200

// Job is the daily work of retention, for every commune: the drafts'
// notices, then the anonymisation of whatever is due today (demands,
// drafts, conversations, mails received without a conversation).
type Job struct {
	DB         *bun.DB
	Notifier   *notify.Notifier
	Anonymiser *Anonymiser
}

// RunOnce does what is due on now's day; it tells how many notices and
// anonymisations it made.
func (j *Job) RunOnce(ctx context.Context, now time.Time) (int, error) {
	today := calendar.DateOf(now)
	if err := models.ForgetEndedRateLimits(ctx, j.DB, now); err != nil {
		return 0, err
	}
	n, err := j.warn(ctx, now)
	if err != nil {
		return n, err
	}
	for {
		due, err := models.DueExpirings(ctx, j.DB, Rules, today, batch)
		if err != nil || len(due) == 0 {
			return n, err
		}
		for _, e := range due {
			actor := workflow.SystemActor(e.CommuneID)
			switch e.Kind {
			case models.ExpiringConversation:
				_, err = j.Anonymiser.Conversation(ctx, e.CommuneID, e.ID, ReasonExpiry, actor, now)
			case models.ExpiringMail:
				_, err = j.Anonymiser.Mail(ctx, e.CommuneID, e.ID, ReasonExpiry, now)
			default:
				_, err = j.Anonymiser.Demand(ctx, e.CommuneID, e.ID, ReasonExpiry, actor, now)
			}
			if err != nil {
				return n, err
			}
			n++
		}
	}
}

// warn mails the citizens of the drafts that expire in DraftNoticeDays,
// each once (until the draft changes again), a batch per transaction.
func (j *Job) warn(ctx context.Context, now time.Time) (int, error) {
	today, n := calendar.DateOf(now), 0
	for {
		var done int
		err := j.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
			ds, err := models.DraftsToWarn(ctx, tx, Rules, today, batch)
			if err != nil {
				return err
			}
			for i := range ds {
				d := &ds[i]
				c, err := models.CommuneByID(ctx, tx, d.CommuneID)
				if err != nil {
					return err
				}
				p, err := models.DemandProcedure(ctx, tx, d)
				if err != nil {
					return err
				}
				day := calendar.DateOf(d.UpdatedAt).AddMonths(DraftMonths)
				if earliest := today.AddDays(DraftNoticeDays); day.Before(earliest) {
					day = earliest
				}
				if err := j.Notifier.DraftExpiring(ctx, tx, c, d, p.Title, DraftMonths, day); err != nil {
					return err
				}
				if err := models.MarkExpiryNotice(ctx, tx, d, now); err != nil {
					return err
				}
			}
			done = len(ds)
			return nil
		})
		n += done
		if err != nil || done < batch {
			return n, err
		}
	}
}
