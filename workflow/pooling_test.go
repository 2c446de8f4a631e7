package workflow_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/fixture"
	"guichet/migrations"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

// TestTransitionsThroughTransactionPooling: behind PgBouncer in
// transaction pooling mode (the cluster's, scripts/cluster.sh), with fewer
// server connections than clients, three servers starting at once migrate
// without waiting for ever, and agents moving 24 demands at once through
// transfer, return and acceptance (the transition's one prepared statement
// among them) all succeed; no lock is left behind.
func TestTransitionsThroughTransactionPooling(t *testing.T) {
	ctx := context.Background()
	// Four server connections: each starting server holds one while it
	// migrates or waits to, and the migrations take another.
	bouncer := testdb.PgBouncer(t, 4)

	servers := make([]*bun.DB, 3)
	for i := range servers {
		servers[i] = bouncer.Open(t)
	}
	mctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(servers))
	for i, db := range servers {
		wg.Go(func() { errs[i] = migrations.Migrate(mctx, db) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("server %d's migrations through the pooler: %v", i+1, err)
		}
	}

	db := servers[0]
	w := fixture.NewWorld(t, db)
	ds := make([]*models.Demand, 24)
	for i := range ds {
		ds[i] = w.DemandAt(t, fixture.AtSubmitted)
	}
	acc := workflow.AgentActor(w.Accueil)
	for _, step := range []struct {
		ev    workflow.Event
		actor func(*models.Demand) workflow.Actor
		in    workflow.Input
	}{
		{workflow.Transfer, func(*models.Demand) workflow.Actor { return acc }, workflow.Input{ServiceID: w.Voirie.ID}},
		{workflow.ReturnToGuichet, func(d *models.Demand) workflow.Actor { return w.ServiceOn(d, w.Voirie) }, workflow.Input{Message: "Relève de l'urbanisme."}},
		{workflow.Accept, func(*models.Demand) workflow.Actor { return acc }, workflow.Input{}},
	} {
		errs := make([]error, len(ds))
		for i := range ds {
			wg.Go(func() {
				in := step.in
				in.Version = ds[i].Version
				ds[i], errs[i] = w.Engine.Apply(ctx, ds[i].ID, step.ev, step.actor(ds[i]), in)
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("%s of demand %d through the pooler: %v", step.ev, i+1, err)
			}
		}
	}

	var accepted, locks int
	fixture.Must(t, db.NewSelect().Model((*models.Demand)(nil)).Where("commune_id = ? AND state = ?", w.Commune.ID, workflow.Accepted).
		ColumnExpr("count(*)").Scan(ctx, &accepted))
	if accepted != len(ds) {
		t.Errorf("%d demands accepted, want %d", accepted, len(ds))
	}
	// Seen from the server itself: a session's lock left on a pooled
	// connection would stay until the pooler closes it.
	fixture.Must(t, bouncer.Server.NewRaw("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").Scan(ctx, &locks))
	if locks != 0 {
		t.Errorf("%d advisory locks still held after the migrations and transitions", locks)
	}
}
