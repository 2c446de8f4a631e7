package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Commune is a tenant: one town and its one-stop shop.
type Commune struct {
	bun.BaseModel `bun:"table:communes"`

	ID           int64     `bun:",pk,autoincrement"`
	Slug         string    `bun:",notnull"`
	Name         string    `bun:",notnull"`
	AccentColor  string    `bun:",notnull"`
	LogoURL      string    `bun:",notnull"`
	Address      string    `bun:",notnull"`
	Phone        string    `bun:",notnull"`
	Email        string    `bun:",notnull"`
	OpeningHours string    `bun:",notnull"`
	CreatedAt    time.Time `bun:",nullzero,notnull,default:current_timestamp"`
}

// CommuneBySlug finds a commune by its public slug.
func CommuneBySlug(ctx context.Context, db bun.IDB, slug string) (*Commune, error) {
	c := new(Commune)
	err := db.NewSelect().Model(c).Where("slug = ?", slug).Scan(ctx)
	return c, notFound(err)
}

// CommuneByID finds a commune by id.
func CommuneByID(ctx context.Context, db bun.IDB, id int64) (*Commune, error) {
	c := new(Commune)
	err := db.NewSelect().Model(c).Where("id = ?", id).Scan(ctx)
	return c, notFound(err)
}

// ListCommunes lists every commune by name.
func ListCommunes(ctx context.Context, db bun.IDB) ([]Commune, error) {
	var cs []Commune
	err := db.NewSelect().Model(&cs).Order("name").Scan(ctx)
	return cs, err
}
