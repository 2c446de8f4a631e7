package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/uptrace/bun"

	"guichet/calendar"
	"guichet/models"
	"guichet/perm"
	"guichet/retention"
)

// retentionForecast measures the supervisor's page of what is anonymised
// in the next 30 days (decided demands, drafts, conversations, mails: the
// counts per day and the first 50), beside its queries alone, and the
// search of everything held about one citizen.
func (b *bed) retentionForecast(ctx context.Context) error {
	const page, find = "handler: retention forecast (next 30 days, supervisor)", "query: everything held about one citizen (rights page)"
	if !b.want(page) && !b.want(find) {
		return nil
	}
	sup := new(models.Agent)
	if err := b.db.NewSelect().Model(sup).Relation("Profile").Where("agent.commune_id = ? AND profile.name = ?", b.commune.ID, perm.SupervisorProfile).
		Order("agent.id").Limit(1).Scan(ctx); err != nil {
		return err
	}
	session, err := b.postForm(ctx, "/gestion/connexion", url.Values{"email": {sup.Email}, "password": {Password}}, http.StatusSeeOther)
	if err != nil {
		return err
	}
	today := calendar.DateOf(b.o.Notifier.Clock.Now())
	if b.want(page) {
		var due int
		r, err := latency(ctx, page, b.o.Duration, func(ctx context.Context, i int) error {
			_, err := b.serve(ctx, httptest.NewRequest(http.MethodGet, "/gestion/supervision/conservation", nil), session, http.StatusOK)
			return err
		})
		if err != nil {
			return err
		}
		var capped int
		q, err := latency(ctx, page+" (queries alone)", b.o.Duration, func(ctx context.Context, i int) error {
			counts, err := models.ExpiringCounts(ctx, b.db, b.commune.ID, retention.Rules, today, today.AddDays(30), models.CountCap)
			if err != nil {
				return err
			}
			due, capped = 0, 0
			for _, c := range counts {
				due += min(c.N, models.CountCap)
				if c.N > models.CountCap {
					capped++
				}
			}
			_, err = models.Expirings(ctx, b.db, b.commune.ID, retention.Rules, today, today.AddDays(30), 51)
			return err
		})
		if err != nil {
			return err
		}
		r.Note = fmt.Sprintf("%d counted (%d counts capped at %d), 50 listed; handler / its queries alone: %.2f (queries p50 %s ms)",
			due, capped, models.CountCap, float64(r.P50)/float64(q.P50), ms(q.P50))
		b.add(r)
	}
	var emails []string
	if err := b.db.NewRaw("SELECT citizen_email FROM demands WHERE commune_id = ? ORDER BY random() LIMIT 200", b.commune.ID).Scan(ctx, &emails); err != nil || len(emails) == 0 {
		return fmt.Errorf("no bench demands: seed again (%v)", err)
	}
	return b.latency(ctx, find, func(ctx context.Context, i int) error {
		_, err := retention.Find(ctx, b.db, b.commune.ID, emails[i%len(emails)], today)
		return err
	})
}

// anonymise measures the retention job's work on one expired demand (with
// its conversation) and one conversation without a demand: everything
// erased, each in a transaction rolled back, so the seed stays whole.
func (b *bed) anonymise(ctx context.Context) error {
	lines := []struct {
		name, pick string
		erase      func(ctx context.Context, tx bun.Tx, id int64) (bool, error)
	}{
		{"job: anonymise one decided demand (rolled back)",
			"SELECT id FROM demands WHERE commune_id = ? AND decided_at IS NOT NULL AND anonymised_at IS NULL ORDER BY random() LIMIT 200",
			func(ctx context.Context, tx bun.Tx, id int64) (bool, error) {
				return models.AnonymiseDemand(ctx, tx, b.commune.ID, id, b.o.Notifier.Clock.Now(), new(models.Erased))
			}},
		{"job: anonymise one resolved conversation (rolled back)",
			"SELECT id FROM conversations WHERE commune_id = ? AND demand_id IS NULL AND resolved_at IS NOT NULL AND anonymised_at IS NULL ORDER BY random() LIMIT 200",
			func(ctx context.Context, tx bun.Tx, id int64) (bool, error) {
				return models.AnonymiseConversation(ctx, tx, b.commune.ID, id, b.o.Notifier.Clock.Now(), new(models.Erased))
			}},
	}
	for _, l := range lines {
		if !b.want(l.name) {
			continue
		}
		var ids []int64
		if err := b.db.NewRaw(l.pick, b.commune.ID).Scan(ctx, &ids); err != nil || len(ids) == 0 {
			return fmt.Errorf("%s: nothing to anonymise: seed again (%v)", l.name, err)
		}
		if err := b.latency(ctx, l.name, func(ctx context.Context, i int) error {
			tx, err := b.db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			done, err := l.erase(ctx, tx, ids[i%len(ids)])
			if err == nil && !done {
				err = fmt.Errorf("demand or conversation %d anonymised already", ids[i%len(ids)])
			}
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}
