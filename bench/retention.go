package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"

	"guichet/calendar"
	"guichet/models"
	"guichet/perm"
	"guichet/retention"
)

// retentionForecast measures the supervisor's page of what is anonymised
// in the next 30 days (decided demands, drafts, conversations), beside its
// query alone, and the search of everything held about one citizen.
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
		q, err := latency(ctx, page+" (query alone)", b.o.Duration, func(ctx context.Context, i int) error {
			rows, err := models.Expirings(ctx, b.db, b.commune.ID, retention.Rules, today, today.AddDays(30), 501)
			due = len(rows)
			return err
		})
		if err != nil {
			return err
		}
		r.Note = fmt.Sprintf("%d rows listed (500 at most); handler / its query alone: %.2f (query p50 %s ms)", min(due, 500), float64(r.P50)/float64(q.P50), ms(q.P50))
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
