package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"guichet/auth"
	"guichet/models"
	"guichet/perm"
)

// satisfaction measures the satisfaction indicators (/gestion/satisfaction)
// as a supervisor of the largest commune, every team's ratings of twelve
// months, beside its queries alone (the indicators from their roll-up)
// and the same indicators aggregated over the ratings.
func (b *bed) satisfaction(ctx context.Context) error {
	const name = "handler: satisfaction indicators (12 months, every team)"
	if !b.want(name) {
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
	token := ""
	for _, c := range session {
		if c.Name == "guichet_session" {
			token = c.Value
		}
	}
	var local, all int
	if err := b.db.NewRaw("SELECT count(*) FILTER (WHERE commune_id = ?), count(*) FROM ratings WHERE rated_at IS NOT NULL", b.commune.ID).Scan(ctx, &local, &all); err != nil {
		return err
	}
	now := time.Now()
	since := time.Date(now.Year(), now.Month()-11, 1, 0, 0, 0, 0, time.UTC)
	r, err := latency(ctx, name, b.o.Duration, func(ctx context.Context, i int) error {
		_, err := b.serve(ctx, httptest.NewRequest(http.MethodGet, "/gestion/satisfaction", nil), session, http.StatusOK)
		return err
	})
	if err != nil {
		return err
	}
	q, err := latency(ctx, name+" (queries alone)", b.o.Duration, func(ctx context.Context, i int) error {
		if _, _, err := auth.CurrentSession(ctx, b.db, token, time.Now()); err != nil {
			return err
		}
		if _, err := models.CommuneByID(ctx, b.db, b.commune.ID); err != nil {
			return err
		}
		_, err := models.RatingIndicators(ctx, b.db, b.commune.ID, since, false)
		return err
	})
	if err != nil {
		return err
	}
	// What the roll-up saves: the same figures aggregated over the ratings.
	d, err := latency(ctx, name+" (aggregated over the ratings)", b.o.Duration, func(ctx context.Context, i int) error {
		_, err := models.RatingIndicatorsFromRatings(ctx, b.db, b.commune.ID, since, false)
		return err
	})
	if err != nil {
		return err
	}
	r.Note = fmt.Sprintf("%d ratings (%d in all); handler / its queries alone: %.2f (queries p50 %s ms; over the ratings instead of the roll-up %s ms)",
		local, all, float64(r.P50)/float64(q.P50), ms(q.P50), ms(d.P50))
	b.add(r)
	return nil
}
