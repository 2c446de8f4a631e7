package jobs_test

import (
	"context"
	"testing"
	"time"

	"guichet/fixture"
	"guichet/jobs"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

func TestArchiverArchivesOnlyOldDecisions(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	old := w.DemandAt(t, fixture.AtAccepted)
	oldRefused := w.DemandAt(t, fixture.AtRefused)
	pending := w.DemandAt(t, fixture.AtSubmitted)
	w.Clock.Advance(90*24*time.Hour + time.Minute)
	recent := w.DemandAt(t, fixture.AtAccepted)

	a := &jobs.Archiver{DB: db, Engine: w.Engine, After: 90 * 24 * time.Hour}
	n, err := a.RunOnce(ctx, w.Clock.Now())
	fixture.Must(t, err)
	if n != 2 {
		t.Fatalf("archived %d, want 2", n)
	}
	for d, want := range map[*models.Demand]string{old: workflow.Archived, oldRefused: workflow.Archived, pending: workflow.Submitted, recent: workflow.Accepted} {
		cur, err := models.DemandByID(ctx, db, w.Commune.ID, d.ID)
		fixture.Must(t, err)
		if cur.State != want {
			t.Errorf("demand %s: %s, want %s", d.Reference, cur.State, want)
		}
	}
	evs, err := models.History(ctx, db, w.Commune.ID, old.ID, false)
	fixture.Must(t, err)
	if last := evs[len(evs)-1]; last.ActorKind != workflow.KindSystem || last.Kind != string(workflow.Archive) {
		t.Fatalf("last event %+v, want an archive by the system", last)
	}
}
