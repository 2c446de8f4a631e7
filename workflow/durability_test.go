package workflow_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"guichet/fixture"
	"guichet/migrations"
	"guichet/models"
	"guichet/pgcluster"
	"guichet/workflow"
)

// TestConfirmedDecisionsSurviveAServerKill: the private cluster that serve
// keeps in DATA_DIR is killed (SIGKILL, no shutdown) while agents accept 150
// demands at once. Restarted on the same data, it holds every acceptance the
// engine confirmed: what an agent was told is done stays done.
func TestConfirmedDecisionsSurviveAServerKill(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "pg")
	c, err := pgcluster.Start(ctx, dir)
	fixture.Must(t, err)
	db, err := models.Open(c.DSN)
	fixture.Must(t, err)
	fixture.Must(t, migrations.Migrate(ctx, db))
	w := fixture.NewWorld(t, db)
	const decisions = 150
	ds := make([]*models.Demand, decisions)
	for i := range ds {
		ds[i] = w.DemandAt(t, fixture.AtSubmitted)
	}

	var (
		mu        sync.Mutex
		confirmed []int64
		wg        sync.WaitGroup
		third     = make(chan struct{})
	)
	for _, d := range ds {
		wg.Go(func() {
			_, err := w.Engine.Apply(ctx, d.ID, workflow.Accept, workflow.AgentActor(w.Accueil), workflow.Input{Version: d.Version})
			if err != nil {
				return // cut off by the kill: never confirmed
			}
			mu.Lock()
			defer mu.Unlock()
			if confirmed = append(confirmed, d.ID); len(confirmed) == decisions/3 {
				close(third)
			}
		})
	}
	<-third
	killServer(t, dir)
	wg.Wait()
	db.Close()
	fixture.Must(t, c.Stop())
	t.Logf("%d of %d acceptances confirmed before the kill", len(confirmed), decisions)

	c, err = pgcluster.Start(ctx, dir)
	fixture.Must(t, err)
	defer c.Stop()
	db, err = models.Open(c.DSN)
	fixture.Must(t, err)
	defer db.Close()
	var accepted []int64
	fixture.Must(t, db.NewSelect().Model((*models.Demand)(nil)).Column("id").
		Where("commune_id = ? AND state = ?", w.Commune.ID, workflow.Accepted).Scan(ctx, &accepted))
	kept := map[int64]bool{}
	for _, id := range accepted {
		kept[id] = true
	}
	lost := 0
	for _, id := range confirmed {
		if !kept[id] {
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of the %d confirmed acceptances are gone after the restart", lost, len(confirmed))
	}
}

// killServer kills the postmaster of the cluster in dir and its backends at
// once, as a crash would: pg_ctl makes the postmaster a process group leader.
func killServer(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	fixture.Must(t, err)
	pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	fixture.Must(t, err)
	fixture.Must(t, syscall.Kill(-pid, syscall.SIGKILL))
}
