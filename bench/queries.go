package bench

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"guichet/models"
)

// Until the back office's dashboard queries exist, these are the queries
// the accueil dashboard is expected to run: one page of a commune's
// demands, newest activity first, optionally filtered, with keyset paging
// (after the last row of the previous page) or an offset.

type dashboardQuery struct {
	States    []string
	ServiceID int64
	Text      string
	Offset    int
	// After is the (updated_at, id) of the last row of the previous page.
	AfterAt *time.Time
	AfterID int64
}

const pageSize = 50

func dashboardPage(ctx context.Context, db bun.IDB, communeID int64, f dashboardQuery) ([]models.Demand, error) {
	var ds []models.Demand
	q := db.NewSelect().Model(&ds).
		Column("id", "reference", "state", "citizen_name", "citizen_email", "procedure_id", "service_id", "submitted_at", "updated_at").
		Where("commune_id = ?", communeID).
		OrderExpr("updated_at DESC, id DESC").Limit(pageSize)
	if len(f.States) > 0 {
		q.Where("state IN (?)", bun.In(f.States))
	}
	if f.ServiceID != 0 {
		q.Where("service_id = ?", f.ServiceID)
	}
	if f.Text != "" {
		q.Where("search @@ websearch_to_tsquery('fr_unaccent', ?)", f.Text)
	}
	if f.AfterAt != nil {
		q.Where("(updated_at, id) < (?, ?)", *f.AfterAt, f.AfterID)
	}
	if f.Offset > 0 {
		q.Offset(int64(f.Offset))
	}
	err := q.Scan(ctx)
	return ds, err
}
