package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/fixture"
	"guichet/history"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

// A transition locks its demand, then its deadline clocks; the deadline job
// locks clocks, then writes a history entry, whose foreign key takes a key
// share on the demand. If the transition's lock blocked that key share, the
// two would deadlock and one person's action would fail: the demand (and a
// conversation) is locked FOR NO KEY UPDATE, which a key share never waits for.
func TestWritersOfADemandsRowsDoNotWaitForItsLock(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	w := fixture.NewWorld(t, db)
	d := w.Draft(t, "usager@exemple.fr")

	locks := map[string]func(bun.Tx) error{
		"transition": func(tx bun.Tx) error {
			_, err := models.LockForTransition(ctx, tx, w.Commune.ID, d.ID, 0)
			return err
		},
		"demand": func(tx bun.Tx) error {
			_, err := models.LockDemand(ctx, tx, w.Commune.ID, d.ID)
			return err
		},
	}
	for name, lock := range locks {
		t.Run(name, func(t *testing.T) {
			holder, err := db.BeginTx(ctx, nil)
			fixture.Must(t, err)
			defer holder.Rollback()
			fixture.Must(t, lock(holder))

			err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				// Not a duration under test: without the fix the entry
				// waits for the holder forever; this turns that into an error.
				if _, err := tx.ExecContext(ctx, "SET LOCAL lock_timeout = '5s'"); err != nil {
					return err
				}
				return history.Record(ctx, tx, &models.Event{CommuneID: w.Commune.ID, DemandID: d.ID, At: time.Now(),
					Kind: "deadline_warned", ActorKind: workflow.KindSystem, ActorName: "Guichet", Channel: workflow.ChannelSystem})
			})
			if err != nil {
				t.Fatalf("a history entry of a demand locked by a %s waited for its lock: %v", name, err)
			}
		})
	}
}
