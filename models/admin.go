package models

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
)

// ErrTaken is returned when a unique name or address is already used.
var ErrTaken = errors.New("already taken")

func uniqueViolation(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return ErrTaken
	}
	return err
}

// ListAgents lists a commune's agents, active ones first, by name.
func ListAgents(ctx context.Context, db bun.IDB, communeID int64) ([]Agent, error) {
	var as []Agent
	err := db.NewSelect().Model(&as).Where("commune_id = ?", communeID).Order("active DESC", "name", "id").Scan(ctx)
	return as, err
}

// CreateAgent adds an agent; an address already used (in any commune) gives ErrTaken.
func CreateAgent(ctx context.Context, db bun.IDB, a *Agent) error {
	_, err := db.NewInsert().Model(a).Returning("id, created_at").Exec(ctx)
	return uniqueViolation(err)
}

// SetAgentActive activates or deactivates an agent of a commune; a
// deactivated agent's sessions end at once.
func SetAgentActive(ctx context.Context, db bun.IDB, communeID, id int64, active bool) error {
	res, err := db.NewUpdate().Model((*Agent)(nil)).Set("active = ?", active).Where("commune_id = ? AND id = ?", communeID, id).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if active {
		return nil
	}
	return RevokeAgentSessions(ctx, db, communeID, id)
}

// CreateService adds a service; a name the commune already uses gives ErrTaken.
func CreateService(ctx context.Context, db bun.IDB, s *Service) error {
	_, err := db.NewInsert().Model(s).Returning("id, created_at").Exec(ctx)
	return uniqueViolation(err)
}

// SetServiceActive activates or deactivates a service of a commune. A
// deactivated service gets no new demand; those it holds stay with it.
func SetServiceActive(ctx context.Context, db bun.IDB, communeID, id int64, active bool) error {
	res, err := db.NewUpdate().Model((*Service)(nil)).Set("active = ?", active).Where("commune_id = ? AND id = ?", communeID, id).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
