package models

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Procedure is a type of demand with its form.
type Procedure struct {
	bun.BaseModel `bun:"table:procedures"`

	ID          int64    `bun:",pk,autoincrement"`
	CommuneID   int64    `bun:",notnull"`
	Slug        string   `bun:",notnull"`
	Title       string   `bun:",notnull"`
	Description string   `bun:",notnull"`
	Documents   []string `bun:",type:jsonb,notnull"`
	Form        []Field  `bun:",type:jsonb,notnull"`
	// Variant names the procedure's lifecycle (workflow.Variants).
	Variant   string    `bun:",nullzero,notnull,default:'standard'"`
	Active    bool      `bun:",notnull"`
	CreatedAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	UpdatedAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
}

// Field is one question of a procedure's form. What each type means and
// which attributes apply to it is decided in forms (forms/types.go).
type Field struct {
	Name     string   `json:"name,omitempty"`
	Label    string   `json:"label"`
	Type     string   `json:"type"` // forms.Types
	Help     string   `json:"help,omitempty"`
	Required bool     `json:"required,omitempty"`
	Options  []string `json:"options,omitempty"`
	// Control is how a choice is shown: "select" (the default) or "radio".
	Control string   `json:"control,omitempty"`
	Min     *float64 `json:"min,omitempty"`
	Max     *float64 `json:"max,omitempty"`
	MaxLen  int      `json:"max_length,omitempty"`
	// ShowIf, when set, shows the field only when an earlier one has a value.
	ShowIf *Condition `json:"show_if,omitempty"`
}

// Condition is a field's value that shows another field.
type Condition struct {
	Field  string `json:"field"`
	Equals string `json:"equals"`
}

// ProcedureByID finds a procedure of a commune.
func ProcedureByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Procedure, error) {
	p := new(Procedure)
	err := db.NewSelect().Model(p).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return p, notFound(err)
}

// ProcedureBySlug finds a procedure of a commune by slug.
func ProcedureBySlug(ctx context.Context, db bun.IDB, communeID int64, slug string) (*Procedure, error) {
	p := new(Procedure)
	err := db.NewSelect().Model(p).Where("commune_id = ? AND slug = ?", communeID, slug).Scan(ctx)
	return p, notFound(err)
}

// ListProcedures lists a commune's active procedures by title.
func ListProcedures(ctx context.Context, db bun.IDB, communeID int64) ([]Procedure, error) {
	var ps []Procedure
	err := db.NewSelect().Model(&ps).Where("commune_id = ? AND active", communeID).Order("title").Scan(ctx)
	return ps, err
}

// AllProcedures lists every procedure of a commune, active or not, by title.
func AllProcedures(ctx context.Context, db bun.IDB, communeID int64) ([]Procedure, error) {
	var ps []Procedure
	err := db.NewSelect().Model(&ps).Where("commune_id = ?", communeID).Order("title", "id").Scan(ctx)
	return ps, err
}

// UpsertProcedure creates a procedure, or updates the commune's procedure of
// the same slug in place, so that its demands keep pointing at it.
func UpsertProcedure(ctx context.Context, db bun.IDB, p *Procedure) error {
	_, err := db.NewInsert().Model(p).
		On("CONFLICT (commune_id, slug) DO UPDATE").
		Set("title = EXCLUDED.title, description = EXCLUDED.description").
		Set("documents = EXCLUDED.documents, form = EXCLUDED.form, variant = EXCLUDED.variant, active = true, updated_at = now()").
		Returning("id").
		Exec(ctx)
	return err
}

// SearchProcedures finds a commune's active procedures by keywords, accents
// and word endings ignored ("terrasse" finds "Terrasses"), or by a part of a
// word, for search as you type. An empty query lists them all.
func SearchProcedures(ctx context.Context, db bun.IDB, communeID int64, q string) ([]Procedure, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return ListProcedures(ctx, db, communeID)
	}
	var ps []Procedure
	const doc = "coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(documents::text, '')"
	err := db.NewSelect().Model(&ps).
		Where("commune_id = ? AND active", communeID).
		WhereGroup(" AND ", func(sq *bun.SelectQuery) *bun.SelectQuery {
			return sq.Where("to_tsvector('fr_unaccent', "+doc+") @@ plainto_tsquery('fr_unaccent', ?)", q).
				WhereOr("unaccent(lower("+doc+")) LIKE '%' || unaccent(lower(?)) || '%'", escapeLike(q))
		}).
		OrderExpr("ts_rank(to_tsvector('fr_unaccent', "+doc+"), plainto_tsquery('fr_unaccent', ?)) DESC, title", q).
		Scan(ctx)
	return ps, err
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
