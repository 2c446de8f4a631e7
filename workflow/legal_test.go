package workflow_test

import (
	"context"
	"testing"
	"time"

	"guichet/calendar"
	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// Two corrections, one asked by the accueil and one by the service, each
// counted from the day asked to the day sent back, both days included
// (L114-5), push the implicit decision back by their days: found by
// workflow.Corrections in the history, stored when each ends. Dates
// worked out by hand: received Monday 2 March 2026, one month ends on
// Thursday 2 April (born 3 April). Waiting 4-6 March (3 days) brings it to
// Sunday 5 April, moved past Easter Monday 6 April to Tuesday 7 April (born
// 8 April); waiting again 16-20 March (5 days), to Friday 10 April (born
// Saturday 11 April). A correction pending does not move the stored date.
func TestImplicitDecisionAddsEveryCorrection(t *testing.T) {
	w := fixture.NewWorld(t, testdbNew(t))
	ctx := context.Background()
	_, err := w.DB.NewUpdate().Model((*models.ProcedureVersion)(nil)).Set("silence = 'acceptation', delay_n = 1, delay_unit = 'mois'").
		Where("procedure_id = ?", w.Procedure.ID).Exec(ctx)
	fixture.Must(t, err)
	at := func(m time.Month, d, h int) { w.Clock.Set(time.Date(2026, m, d, h, 0, 0, 0, calendar.Paris)) }
	acc := workflow.AgentActor(w.Accueil)

	at(time.March, 2, 9)
	d := w.Draft(t, "deux-corrections@exemple.fr")
	d = w.Apply(t, d, workflow.Submit, w.Citizen(d), workflow.Input{})
	want := func(iso string) {
		t.Helper()
		got, _ := models.Day(d.ImplicitDecisionOn)
		if got.String() != iso {
			t.Fatalf("implicit decision on %s, want %s", got, iso)
		}
	}
	want("2026-04-03")
	at(time.March, 4, 10)
	d = w.Apply(t, d, workflow.RequestCorrection, acc, workflow.Input{Message: "Précisez."})
	if due, _ := models.Day(d.CorrectionDueOn); due != calendar.D(2026, time.March, 19) {
		t.Errorf("correction due %s, want 15 days later", due)
	}
	at(time.March, 6, 16)
	d = w.Apply(t, d, workflow.Resubmit, w.Citizen(d), workflow.Input{})
	want("2026-04-08")

	at(time.March, 9, 9)
	d = w.Apply(t, d, workflow.Transfer, acc, workflow.Input{ServiceID: w.Voirie.ID})
	at(time.March, 16, 11)
	d = w.Apply(t, d, workflow.RequestCorrection, w.ServiceOn(d, w.Voirie), workflow.Input{Message: "Une photo."})
	want("2026-04-08")
	cs, err := workflow.Corrections(ctx, w.DB, d, calendar.D(2026, time.March, 18))
	fixture.Must(t, err)
	if len(cs) != 2 || cs[1] != (calendar.Correction{Asked: calendar.D(2026, time.March, 16), Answered: calendar.D(2026, time.March, 18)}) {
		t.Errorf("corrections, one pending: %+v", cs)
	}
	at(time.March, 20, 17)
	d = w.Apply(t, d, workflow.Resubmit, w.Citizen(d), workflow.Input{})
	want("2026-04-11")
}
