package workflow_test

import (
	"context"
	"testing"

	"guichet/fixture"
	"guichet/workflow"
)

// BenchmarkApply measures one transition on a real database, e-mails
// included: a demand goes back and forth between the accueil and a service
// (transfer, then return), each Apply one transaction.
func BenchmarkApply(b *testing.B) {
	db := testdbNew(b)
	w := fixture.NewWorld(b, db)
	ctx := context.Background()
	d := w.DemandAt(b, fixture.AtSubmitted)
	acc := workflow.AgentActor(w.Accueil)
	for i := 0; b.Loop(); i++ {
		var err error
		if i%2 == 0 {
			d, err = w.Engine.Apply(ctx, d.ID, workflow.Transfer, acc, workflow.Input{Version: d.Version, ServiceID: w.Voirie.ID})
		} else {
			d, err = w.Engine.Apply(ctx, d.ID, workflow.ReturnToGuichet, w.ServiceOn(d, w.Voirie), workflow.Input{Version: d.Version, Message: "Pas pour nous"})
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
