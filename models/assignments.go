package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Assignment is one transfer of a demand to a service.
type Assignment struct {
	bun.BaseModel `bun:"table:assignments"`

	ID          int64     `bun:",pk,autoincrement"`
	CommuneID   int64     `bun:",notnull"`
	DemandID    int64     `bun:",notnull"`
	ServiceID   int64     `bun:",notnull"`
	CreatedAt   time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	EndedAt     *time.Time
	EndedReason string `bun:",notnull"`
	RemindedAt  *time.Time
}

// AssignmentByID finds an assignment of a commune.
func AssignmentByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Assignment, error) {
	a := new(Assignment)
	err := db.NewSelect().Model(a).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return a, notFound(err)
}

// Reminder is a demand that has waited on a service long enough to remind it.
type Reminder struct {
	Demand     *Demand
	Assignment *Assignment
}

// DueReminders locks, for the caller's transaction, up to limit demands
// held by a service (in one of the held states) since before cutoff whose service has not been reminded since
// cutoff, the longest waiting first; a deactivated service, or a service of
// a deactivated commune, whose links no longer act, is not reminded. Rows another run holds are skipped.
func DueReminders(ctx context.Context, tx bun.Tx, held []string, cutoff time.Time, limit int64) ([]Reminder, error) {
	var asgIDs []int64
	err := tx.NewSelect().ModelTableExpr("demands AS d").ColumnExpr("a.id").
		Join("JOIN assignments AS a ON a.id = d.assignment_id").
		Join("JOIN services AS s ON s.id = a.service_id").
		Join("JOIN communes AS c ON c.id = d.commune_id").
		Where("d.state IN (?) AND a.ended_at IS NULL AND s.active AND c.active AND d.updated_at <= ?", bun.In(held), cutoff).
		Where("a.reminded_at IS NULL OR a.reminded_at <= ?", cutoff).
		Order("d.updated_at", "d.id").Limit(limit).For("UPDATE OF a SKIP LOCKED").Scan(ctx, &asgIDs)
	if err != nil || len(asgIDs) == 0 {
		return nil, err
	}
	out := make([]Reminder, 0, len(asgIDs))
	for _, id := range asgIDs {
		a := new(Assignment)
		if err := tx.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
			return nil, err
		}
		d, err := DemandByID(ctx, tx, a.CommuneID, a.DemandID)
		if err != nil {
			return nil, err
		}
		out = append(out, Reminder{Demand: d, Assignment: a})
	}
	return out, nil
}

// MarkReminded records that the service was reminded of the assignment.
func MarkReminded(ctx context.Context, db bun.IDB, a *Assignment, at time.Time) error {
	a.RemindedAt = &at
	_, err := db.NewUpdate().Model(a).Column("reminded_at").WherePK().Exec(ctx)
	return err
}
