package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"guichet/history"
	"guichet/models"
	"guichet/workflow"
)

// Reminders e-mails a service about each demand that has waited on it for
// After, then again every After while it still waits.
type Reminders struct {
	DB       *bun.DB
	Notifier *Notifier
	After    time.Duration
}

const reminderBatch = 100

// RunOnce sends the reminders due at now and returns how many it sent. Each
// is recorded on its assignment (so the next run skips it until After has
// passed again) and in the demand's history, in the transaction that
// enqueues the mail.
func (r *Reminders) RunOnce(ctx context.Context, now time.Time) (int, error) {
	sent := 0
	for {
		var batch int
		err := r.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			due, err := models.DueReminders(ctx, tx, workflow.Standard.In(workflow.SetService), now.Add(-r.After), reminderBatch)
			batch = len(due)
			for _, rem := range due {
				if err := r.remind(ctx, tx, rem, now); err != nil {
					return err
				}
			}
			return err
		})
		if err != nil {
			return sent, err
		}
		sent += batch
		if batch < reminderBatch {
			return sent, nil
		}
	}
}

func (r *Reminders) remind(ctx context.Context, tx bun.Tx, rem models.Reminder, now time.Time) error {
	d, a := rem.Demand, rem.Assignment
	c, err := models.CommuneByID(ctx, tx, d.CommuneID)
	if err != nil {
		return err
	}
	p, err := models.DemandProcedure(ctx, tx, d)
	if err != nil {
		return err
	}
	s, err := models.ServiceByID(ctx, tx, d.CommuneID, a.ServiceID)
	if err != nil {
		return err
	}
	days := int(now.Sub(d.UpdatedAt) / (24 * time.Hour))
	err = r.Notifier.MailService(ctx, tx, s, a, ServiceMail{
		Commune: c, Procedure: p, Demand: d,
		Subject: fmt.Sprintf("Rappel : demande %s en attente depuis %d jours", d.Reference, days),
		Intro: []string{fmt.Sprintf("Cette demande attend une suite de votre service depuis le %s, soit %d jours. L'usager attend votre réponse.",
			formatTime(&d.UpdatedAt), days)},
	})
	if err != nil {
		return err
	}
	if err := models.MarkReminded(ctx, tx, a, now); err != nil {
		return err
	}
	return history.Record(ctx, tx, &models.Event{
		CommuneID: d.CommuneID, DemandID: d.ID, At: now, Kind: models.KindReminder,
		ActorKind: workflow.KindSystem, ActorName: "Guichet", Channel: workflow.ChannelSystem,
		Message: fmt.Sprintf("Rappel envoyé au service %s : demande en attente depuis %d jours.", s.Name, days),
		Details: map[string]any{"service_id": s.ID, "assignment_id": a.ID},
	})
}
