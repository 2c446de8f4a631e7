package models

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Service is a municipal service (Voirie, Urbanisme…) that acts through signed links.
type Service struct {
	bun.BaseModel `bun:"table:services"`

	ID        int64     `bun:",pk,autoincrement"`
	CommuneID int64     `bun:",notnull"`
	Name      string    `bun:",notnull"`
	Email     string    `bun:",notnull"`
	Active    bool      `bun:",notnull"`
	CreatedAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	// LinkEpoch is carried by the service's links; bumping it revokes them.
	LinkEpoch int64 `bun:",notnull"`
}

// ServiceByID finds a service of a commune.
func ServiceByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Service, error) {
	s := new(Service)
	err := db.NewSelect().Model(s).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return s, notFound(err)
}

// ListServices lists a commune's services by name; activeOnly hides deactivated ones.
func ListServices(ctx context.Context, db bun.IDB, communeID int64, activeOnly bool) ([]Service, error) {
	var ss []Service
	q := db.NewSelect().Model(&ss).Where("commune_id = ?", communeID).Order("name")
	if activeOnly {
		q.Where("active")
	}
	err := q.Scan(ctx)
	return ss, err
}

// ServiceByName finds a service of a commune by its name, case-insensitively.
func ServiceByName(ctx context.Context, db bun.IDB, communeID int64, name string) (*Service, error) {
	s := new(Service)
	err := db.NewSelect().Model(s).Where("commune_id = ? AND lower(name) = lower(?)", communeID, strings.TrimSpace(name)).Scan(ctx)
	return s, notFound(err)
}

// RevokeServiceLinks bumps the service's link epoch: every link made for it
// before (board and demand links) stops working. It returns the new epoch.
// The admin's services page and "guichet service revoke" both call it.
func RevokeServiceLinks(ctx context.Context, db bun.IDB, communeID, serviceID int64) (int64, error) {
	var epoch int64
	err := db.NewUpdate().Model((*Service)(nil)).Set("link_epoch = link_epoch + 1").
		Where("commune_id = ? AND id = ?", communeID, serviceID).Returning("link_epoch").Scan(ctx, &epoch)
	return epoch, notFound(err)
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
