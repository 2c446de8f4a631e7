package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"guichet/calendar"
	"guichet/history"
	"guichet/legal"
	"guichet/models"
	"guichet/workflow"
)

// ImplicitDecisions records each implicit decision as it is born (a
// demand undecided when its delay ends) in the demand's history, and tells
// the citizen what it means, once.
type ImplicitDecisions struct {
	DB       *bun.DB
	Notifier *Notifier
}

// ImplicitEvery is how often the job looks: a decision is born at the
// start of a day.
const ImplicitEvery = 15 * time.Minute

const implicitBatch = 100

// RunOnce records the implicit decisions born by now (Paris's day) and
// returns how many. The demand is marked, the history written and the mail
// enqueued in one transaction: a second run, or a second server, finds
// nothing left.
func (j *ImplicitDecisions) RunOnce(ctx context.Context, now time.Time) (int, error) {
	today := *models.DayTime(calendar.DateOf(now))
	done := 0
	for {
		var batch int
		err := j.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			due, err := models.DueImplicitDecisions(ctx, tx, today, workflow.Suspended, implicitBatch)
			batch = len(due)
			for i := range due {
				if err := j.reach(ctx, tx, &due[i], now); err != nil {
					return err
				}
			}
			return err
		})
		if err != nil {
			return done, err
		}
		done += batch
		if batch < implicitBatch {
			return done, nil
		}
	}
}

func (j *ImplicitDecisions) reach(ctx context.Context, tx bun.Tx, d *models.Demand, now time.Time) error {
	c, err := models.CommuneByID(ctx, tx, d.CommuneID)
	if err != nil {
		return err
	}
	p, err := models.DemandProcedure(ctx, tx, d)
	if err != nil {
		return err
	}
	if err := models.MarkImplicitReached(ctx, tx, d, now); err != nil {
		return err
	}
	verdict := "acceptée"
	if p.Silence == calendar.SilenceRejection {
		verdict = "rejetée"
	}
	err = history.Record(ctx, tx, &models.Event{
		CommuneID: d.CommuneID, DemandID: d.ID, At: now, Kind: workflow.KindImplicitDecision,
		ActorKind: workflow.KindSystem, ActorName: "Guichet", Channel: workflow.ChannelSystem,
		Details: map[string]any{"silence": string(p.Silence), "date": d.ImplicitDecisionOn.Format(time.DateOnly)},
	})
	if err != nil {
		return err
	}
	follow, err := j.Notifier.FollowURL(c, d)
	if err != nil {
		return err
	}
	return j.Notifier.Enqueue(ctx, tx, c, d, d.CitizenEmail, Mail{
		Subject:    fmt.Sprintf("Demande %s : réputée %s faute de réponse dans le délai", d.Reference, verdict),
		Paragraphs: legal.Reached(c, &p.ProcedureVersion, d),
		Facts:      []Fact{{"Référence", d.Reference}, {"Démarche", p.Title}, {"Service en charge", legal.Service(c)}},
		Link:       &Link{Label: "Suivre ma demande", URL: follow},
	})
}
