package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/uptrace/bun"

	"guichet/deadline"
	"guichet/models"
	"guichet/workflow"
)

// bareDueQueue is the queue's page by due time as PostgreSQL runs it, on
// demands_due_idx: the measure's baseline (the row's columns, no join).
const bareDueQueue = `SELECT d.id, d.reference, d.state, d.citizen_name, d.citizen_email, d.submitted_at, d.updated_at, d.priority, d.due_at
	FROM demands AS d WHERE d.commune_id = ? AND d.state IN (?) AND (coalesce(d.due_at, 'infinity'::timestamptz), d.id) > (?::timestamptz, ?)
	ORDER BY coalesce(d.due_at, 'infinity'::timestamptz), d.id LIMIT ?`

// dueQueue measures the accueil's queue sorted by due time (the nearest
// first), its first page and page 101 (or its last) by the keyset of
// demands_due_idx, through the handler, through models.ListDemands, and in
// bare SQL; the first two say their ratio to the third.
func (b *bed) dueQueue(ctx context.Context) error {
	names := []string{"handler: queue sorted by due time (page 101, or its last)", "query: queue sorted by due time (models.ListDemands, page 101)",
		"query: queue sorted by due time in bare SQL (page 101)"}
	if !b.want(names[0]) && !b.want(names[1]) && !b.want(names[2]) {
		return nil
	}
	session, err := b.signIn(ctx)
	if err != nil {
		return err
	}
	queue := workflow.Standard.In(workflow.SetGuichet)
	act := workflow.AgentActor(b.accueil)
	f := models.DemandFilter{States: queue, Visible: act.VisibleStates(), Procedures: act.Scope()}
	order := models.Order{Column: models.SortDue, States: workflow.AllStates}
	// The cursor of page 101 (or of the last page), as the "next" links lead there.
	var cur *models.Cursor
	for range 100 {
		rows, more, err := models.ListDemands(ctx, b.db, b.commune.ID, f, order, cur, inboxPageSize)
		if err != nil {
			return err
		}
		if !more {
			break
		}
		k, id := rows[len(rows)-1].Key()
		cur = &models.Cursor{Key: k, ID: id}
	}
	if cur == nil {
		return fmt.Errorf("the queue holds one page only: seed more demands")
	}
	deep, err := b.deepPage(ctx, session, "/gestion/?tri="+models.SortDue, 100)
	if err != nil {
		return err
	}
	measures := []func(ctx context.Context, i int) error{
		func(ctx context.Context, i int) error {
			_, err := b.serve(ctx, httptest.NewRequest(http.MethodGet, deep, nil), session, http.StatusOK)
			return err
		},
		func(ctx context.Context, i int) error {
			_, _, err := models.ListDemands(ctx, b.db, b.commune.ID, f, order, cur, inboxPageSize)
			return err
		},
		func(ctx context.Context, i int) error {
			rows, err := b.db.QueryContext(ctx, bareDueQueue, b.commune.ID, bun.In(queue), cur.Key, cur.ID, inboxPageSize+1)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		},
	}
	var results []Result
	for i, name := range names {
		if !b.want(name) {
			continue
		}
		r, err := latency(ctx, name, b.o.Duration, measures[i])
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	if len(results) == 3 {
		for _, r := range results[:2] {
			r.Note = fmt.Sprintf("p50 ×%.1f the bare SQL", float64(r.P50)/float64(results[2].P50))
			b.add(r)
		}
		b.add(results[2])
		return nil
	}
	for _, r := range results {
		b.add(r)
	}
	return nil
}

// retimeJob measures the job a calendar change wakes (deadline.Retimer):
// the largest commune's open demands with a due time are put once under a
// bench policy (a resolution clock each, from their receipt), then the
// commune's calendar is changed (Alsace-Moselle toggled) and the job run,
// again and again; the calendar is put back and counted once more at the end.
func (b *bed) retimeJob(ctx context.Context) error {
	name := "job: deadline due times recomputed after a calendar change (the commune's open demands)"
	if !b.want(name) {
		return nil
	}
	var policyID int64
	err := b.db.NewRaw(`INSERT INTO deadline_policies (commune_id, name, resolution, resolution_unit) VALUES (?, 'Banc : 10 jours ouvrés', 10, 'jours_ouvres')
		ON CONFLICT (commune_id, lower(name)) DO UPDATE SET resolution = 10 RETURNING id`, b.commune.ID).Scan(ctx, &policyID)
	if err != nil {
		return err
	}
	_, err = b.db.NewRaw(`INSERT INTO deadline_clocks (commune_id, demand_id, target, policy_id, amount, unit, started_at)
		SELECT d.commune_id, d.id, 'resolution', ?, 10, 'jours_ouvres', d.submitted_at FROM demands AS d
		WHERE d.commune_id = ? AND d.due_at IS NOT NULL AND d.submitted_at IS NOT NULL ON CONFLICT DO NOTHING`, policyID, b.commune.ID).Exec(ctx)
	if err != nil {
		return err
	}
	job := &deadline.Retimer{DB: b.db}
	var was bool
	if err := b.db.NewRaw("SELECT alsace_moselle FROM communes WHERE id = ?", b.commune.ID).Scan(ctx, &was); err != nil {
		return err
	}
	setCalendar := func(ctx context.Context, am bool) (int, error) {
		if _, err := b.db.NewRaw("UPDATE communes SET alsace_moselle = ? WHERE id = ?", am, b.commune.ID).Exec(ctx); err != nil {
			return 0, err
		}
		return job.RunOnce(ctx, time.Now())
	}
	// Three runs, not a timed loop: at a million, a run takes seconds.
	var lat []time.Duration
	clocks := 0
	start := time.Now()
	for i := range 3 {
		t := time.Now()
		n, err := setCalendar(ctx, was != (i%2 == 0)) // toggled each time
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		lat, clocks = append(lat, time.Since(t)), n
	}
	r := summarize(name, lat, time.Since(start))
	if _, err := setCalendar(ctx, was); err != nil {
		return err
	}
	r.Note = fmt.Sprintf("%d demands a run, %.0f a second", clocks, float64(clocks)/r.P50.Seconds())
	b.add(r)
	return nil
}
