package workflow_test

import (
	"context"
	"testing"

	"guichet/apperr"
	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

func TestNote(t *testing.T) {
	db := testdbNew(t)
	w := fixture.NewWorld(t, db)
	other := fixture.NewWorld(t, db)
	ctx := context.Background()
	cases := []struct {
		setup fixture.Setup
		actor string
		ok    bool
	}{
		{fixture.AtTransferred, "service", true},
		{fixture.AtTransferred, "accueil", true},
		{fixture.AtSubmitted, "supervisor", true},
		{fixture.AtTransferred, "other-service", false},
		{fixture.AtTransferred, "old-assignment", false},
		{fixture.AtCorrectionService, "service", false},
		{fixture.AtReturned, "service", false},
		{fixture.AtTransferred, "citizen", false},
		{fixture.AtTransferred, "admin", false},
		{fixture.AtTransferred, "other-commune", false},
		{fixture.AtDraft, "accueil", false},
	}
	for _, tc := range cases {
		t.Run(string(tc.setup)+"/"+tc.actor, func(t *testing.T) {
			d := w.DemandAt(t, tc.setup)
			before := snap(t, db, d)
			a := actorFor(t, w, other, d, tc.actor)
			ev, err := w.Engine.Note(ctx, d.ID, a, "  Vu sur place : à réparer.  ")
			after := snap(t, db, d)
			if !tc.ok {
				if c := apperr.CodeOf(err); c != apperr.Forbidden && c != apperr.NotFound {
					t.Fatalf("err = %v, want forbidden", err)
				}
				if after.events != before.events {
					t.Fatal("a refused note was recorded")
				}
				return
			}
			fixture.Must(t, err)
			if ev.Kind != workflow.KindNote || ev.Visibility != models.Internal || ev.Message != "Vu sur place : à réparer." || ev.ActorName != a.Name {
				t.Fatalf("note = %+v", ev)
			}
			if after.events != before.events+1 || after.version != before.version || after.state != before.state {
				t.Fatalf("note changed the demand: %+v -> %+v", before, after)
			}
		})
	}
	d := w.DemandAt(t, fixture.AtTransferred)
	if _, err := w.Engine.Note(ctx, d.ID, w.ServiceOn(d, w.Voirie), " "); apperr.As(err).Fields["message"] == "" {
		t.Fatalf("empty note: %v", err)
	}
}
