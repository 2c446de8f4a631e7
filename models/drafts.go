package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
)

// SaveDraft stores a draft's data; it does nothing once the demand is no
// longer a draft (a late save must not change submitted data).
func SaveDraft(ctx context.Context, db bun.IDB, communeID, id int64, data map[string]any) error {
	_, err := db.NewUpdate().Model((*Demand)(nil)).
		Set("data = ?, updated_at = now()", data).
		Where("commune_id = ? AND id = ? AND state = 'draft'", communeID, id).
		Exec(ctx)
	return err
}

// NewDraft creates a draft demand for a citizen, with a fresh reference and
// tracking code (retried on the rare collision), on the procedure's version
// p holds: the draft keeps it, even if a newer one is published before it
// is submitted (the citizen fills in that form).
func NewDraft(ctx context.Context, db bun.IDB, p *Procedure, email string, now time.Time) (*Demand, error) {
	for attempt := 0; ; attempt++ {
		d := &Demand{
			CommuneID: p.CommuneID, ProcedureID: p.ID, ProcedureVersion: p.Number, State: "draft", Version: 1,
			CitizenEmail: strings.TrimSpace(email), Data: map[string]any{}, CorrectionFields: []string{},
			Reference: newReference(now), TrackingCode: randomCode(8), CreatedAt: now, UpdatedAt: now,
		}
		_, err := db.NewInsert().Model(d).Returning("id").Exec(ctx)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" && attempt < 5 {
			continue
		}
		return d, err
	}
}
