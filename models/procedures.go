package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/calendar"
)

// Procedure is a type of demand of a commune, shown at one of its versions:
// its identity (slug, published or not) and, embedded, the version's text
// and form. Loaders fill the version: the latest, or a demand's own.
type Procedure struct {
	bun.BaseModel `bun:"table:procedures,alias:p"`

	ID        int64  `bun:",pk,autoincrement"`
	CommuneID int64  `bun:",notnull"`
	Slug      string `bun:",notnull"`
	// Active: published, offered on the commune's portal.
	Active bool `bun:",notnull"`
	// Latest is the number of the latest version, the one the portal shows.
	Latest int `bun:",notnull"`
	// Revision is bumped by every change: an editor saving over a revision
	// that is no longer current is told so (ErrStale).
	Revision int `bun:",notnull"`
	// AutoTransfer: a routing rule may transfer its demands to a service
	// itself ("transfert automatique autorisé"); otherwise it proposes it.
	AutoTransfer bool `bun:",notnull"`
	// RetentionMonths is how long its decided demands are kept, in months
	// after the decision (retention/: bounds and default).
	RetentionMonths int       `bun:",nullzero,notnull,default:12"`
	CreatedAt       time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	UpdatedAt       time.Time `bun:",nullzero,notnull,default:current_timestamp"`

	ProcedureVersion `bun:"-"`
	// CreatedMotifs are the paths of the motifs saving MotifPath created.
	CreatedMotifs []string `bun:"-"`
}

// Delay is the delay after which silence is a decision.
func (v *ProcedureVersion) Delay() calendar.Delay {
	return calendar.Delay{N: v.DelayN, Unit: v.DelayUnit}
}

// resolveMotif sets the version's motif from its path, creating the motifs
// the commune lacks.
func (p *Procedure) resolveMotif(ctx context.Context, tx bun.Tx) error {
	v := &p.ProcedureVersion
	if v.MotifPath == "" {
		return nil
	}
	id, created, err := EnsureMotifPath(ctx, tx, p.CommuneID, ParsePath(v.MotifPath))
	v.MotifID, p.CreatedMotifs = &id, append(p.CreatedMotifs, created...)
	return err
}

// ProcedureVersion is what a procedure says and asks at one version.
type ProcedureVersion struct {
	bun.BaseModel `bun:"table:procedure_versions,alias:v"`

	ID          int64    `bun:",pk,autoincrement"`
	CommuneID   int64    `bun:",notnull"`
	ProcedureID int64    `bun:",notnull"`
	Number      int      `bun:",notnull"`
	Title       string   `bun:",notnull"`
	Description string   `bun:",notnull"`
	Documents   []string `bun:",type:jsonb,notnull"`
	// MotifID is the motif its demands get at submission (nil: none).
	MotifID *int64
	// MotifPath, when set, names the motif by its path ("Thème / Motif"),
	// as a file does: saving finds it, or creates what is missing.
	MotifPath string  `bun:"-"`
	Form      []Field `bun:",type:jsonb,notnull"`
	// Silence is what the commune's silence on a demand means once the
	// delay has passed (CRPA L231-1); DelayN and DelayUnit are that delay.
	// Unset, they are the columns' defaults: no implicit decision, 2 months.
	Silence   calendar.Silence   `bun:",nullzero,notnull,default:'aucune'"`
	DelayN    int                `bun:"delay_n,nullzero,notnull,default:2"`
	DelayUnit calendar.DelayUnit `bun:",nullzero,notnull,default:'mois'"`
	// Variant names the procedure's lifecycle (workflow.Variants); a demand
	// follows its version's.
	Variant       string    `bun:",nullzero,notnull,default:'standard'"`
	CreatedAt     time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	CreatedBy     *int64
	CreatedByName string `bun:",notnull"` // who made it, or "import en ligne de commande"
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

// ProcedureByID finds a procedure of a commune at its latest version.
func ProcedureByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Procedure, error) {
	return procedureWhere(ctx, db, 0, "p.commune_id = ? AND p.id = ?", communeID, id)
}

// ProcedureBySlug finds a procedure of a commune by slug, at its latest version.
func ProcedureBySlug(ctx context.Context, db bun.IDB, communeID int64, slug string) (*Procedure, error) {
	return procedureWhere(ctx, db, 0, "p.commune_id = ? AND p.slug = ?", communeID, slug)
}

// DemandProcedure finds a demand's procedure at the version the demand was
// filled in with: its labels as they were.
func DemandProcedure(ctx context.Context, db bun.IDB, d *Demand) (*Procedure, error) {
	return procedureWhere(ctx, db, d.ProcedureVersion, "p.commune_id = ? AND p.id = ?", d.CommuneID, d.ProcedureID)
}

// procedureWhere finds one procedure at version number (0: the latest).
func procedureWhere(ctx context.Context, db bun.IDB, number int, where string, args ...any) (*Procedure, error) {
	p := new(Procedure)
	if err := db.NewSelect().Model(p).Where(where, args...).Scan(ctx); err != nil {
		return p, notFound(err)
	}
	if number == 0 {
		number = p.Latest
	}
	err := db.NewSelect().Model(&p.ProcedureVersion).Where("procedure_id = ? AND number = ?", p.ID, number).Scan(ctx)
	return p, notFound(err)
}

// latestVersions fills each procedure with its latest version.
func latestVersions(ctx context.Context, db bun.IDB, ps []Procedure) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	var vs []ProcedureVersion
	err := db.NewSelect().Model(&vs).
		Join("JOIN procedures AS p ON p.id = v.procedure_id AND p.latest = v.number").
		Where("v.procedure_id IN (?)", bun.In(ids)).Scan(ctx)
	if err != nil {
		return err
	}
	byID := map[int64]ProcedureVersion{}
	for _, v := range vs {
		byID[v.ProcedureID] = v
	}
	for i := range ps {
		ps[i].ProcedureVersion = byID[ps[i].ID]
	}
	return nil
}

// listProcedures lists a commune's procedures at their latest version, by title.
func listProcedures(ctx context.Context, db bun.IDB, communeID int64, activeOnly bool) ([]Procedure, error) {
	var ps []Procedure
	q := db.NewSelect().Model(&ps).
		Join("JOIN procedure_versions AS v ON v.procedure_id = p.id AND v.number = p.latest").
		Where("p.commune_id = ?", communeID).Order("v.title", "p.id")
	if activeOnly {
		q.Where("p.active")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, err
	}
	return ps, latestVersions(ctx, db, ps)
}

// ListProcedures lists a commune's published procedures by title.
func ListProcedures(ctx context.Context, db bun.IDB, communeID int64) ([]Procedure, error) {
	return listProcedures(ctx, db, communeID, true)
}

// AllProcedures lists every procedure of a commune, published or not, by title.
func AllProcedures(ctx context.Context, db bun.IDB, communeID int64) ([]Procedure, error) {
	return listProcedures(ctx, db, communeID, false)
}

// CountDemands counts the demands (drafts aside) of each procedure of a commune.
func CountDemands(ctx context.Context, db bun.IDB, communeID int64) (map[int64]int, error) {
	var rows []struct {
		ProcedureID int64
		N           int
	}
	err := db.NewRaw("SELECT procedure_id, count(*) AS n FROM demands WHERE commune_id = ? AND state <> 'draft' GROUP BY procedure_id", communeID).Scan(ctx, &rows)
	out := map[int64]int{}
	for _, r := range rows {
		out[r.ProcedureID] = r.N
	}
	return out, err
}

// CreateProcedure creates a procedure with its first version, p's.
func CreateProcedure(ctx context.Context, db bun.IDB, p *Procedure) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := p.resolveMotif(ctx, tx); err != nil {
			return err
		}
		p.Latest, p.Revision, p.Number = 1, 1, 1
		if _, err := tx.NewInsert().Model(p).Returning("id, created_at, updated_at").Exec(ctx); err != nil {
			return uniqueViolation(err)
		}
		p.ProcedureVersion.CommuneID, p.ProcedureID = p.CommuneID, p.ID
		_, err := tx.NewInsert().Model(&p.ProcedureVersion).Returning("id, created_at").Exec(ctx)
		return err
	})
}

// SaveProcedure records p's content (title, form…) as the procedure's
// latest, provided the procedure is still at revision. Once citizens may
// have seen the latest version (the procedure is published, or a demand or
// draft uses it), it is kept as it is and the content becomes a new version;
// otherwise the latest version is changed in place. newVersion says which.
func SaveProcedure(ctx context.Context, db bun.IDB, p *Procedure, revision int) (newVersion bool, err error) {
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cur := new(Procedure)
		err := tx.NewSelect().Model(cur).Where("p.commune_id = ? AND p.id = ?", p.CommuneID, p.ID).For("UPDATE").Scan(ctx)
		if err != nil {
			return notFound(err)
		}
		if cur.Revision != revision {
			return ErrStale
		}
		if err := p.resolveMotif(ctx, tx); err != nil {
			return err
		}
		used := cur.Active
		if !used {
			if used, err = tx.NewSelect().Model((*Demand)(nil)).Where("procedure_id = ? AND procedure_version = ?", cur.ID, cur.Latest).Exists(ctx); err != nil {
				return err
			}
		}
		v := &p.ProcedureVersion
		v.CommuneID, v.ProcedureID, v.Number = cur.CommuneID, cur.ID, cur.Latest
		if used {
			newVersion, v.Number = true, cur.Latest+1
			if _, err := tx.NewInsert().Model(v).Returning("id, created_at").Exec(ctx); err != nil {
				return err
			}
		} else if _, err := tx.NewUpdate().Model(v).
			Column("title", "description", "documents", "motif_id", "form", "silence", "delay_n", "delay_unit", "variant", "created_by", "created_by_name").
			Set("created_at = now()").
			Where("procedure_id = ? AND number = ?", cur.ID, cur.Latest).Returning("id, created_at").Exec(ctx); err != nil {
			return err
		}
		_, err = tx.NewUpdate().Model(cur).Set("latest = ?, revision = revision + 1, updated_at = now()", v.Number).
			WherePK().Returning("revision, latest, active, slug, created_at, updated_at").Exec(ctx)
		p.Slug, p.Active, p.Latest, p.Revision, p.CreatedAt, p.UpdatedAt = cur.Slug, cur.Active, cur.Latest, cur.Revision, cur.CreatedAt, cur.UpdatedAt
		return err
	})
	return newVersion, err
}

// PublishProcedure publishes (or unpublishes) a procedure still at revision.
func PublishProcedure(ctx context.Context, db bun.IDB, communeID, id int64, revision int, active bool) error {
	res, err := db.NewUpdate().Model((*Procedure)(nil)).
		Set("active = ?, revision = revision + 1, updated_at = now()", active).
		Where("commune_id = ? AND id = ? AND revision = ?", communeID, id, revision).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := ProcedureByID(ctx, db, communeID, id); err != nil {
			return err
		}
		return ErrStale
	}
	return nil
}

// ImportProcedure creates the procedure of p's slug, or saves p's content
// as its latest (a new version once citizens may have seen the current one,
// as SaveProcedure does); publish publishes it as well.
func ImportProcedure(ctx context.Context, db bun.IDB, p *Procedure, publish bool) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cur, err := ProcedureBySlug(ctx, tx, p.CommuneID, p.Slug)
		if errors.Is(err, ErrNotFound) {
			p.Active = publish
			return CreateProcedure(ctx, tx, p)
		}
		if err != nil {
			return err
		}
		p.ID = cur.ID
		if _, err := SaveProcedure(ctx, tx, p, cur.Revision); err != nil {
			return err
		}
		if publish && !p.Active {
			p.Active = true
			return PublishProcedure(ctx, tx, p.CommuneID, p.ID, p.Revision, true)
		}
		return nil
	})
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
	const doc = "coalesce(v.title, '') || ' ' || coalesce(v.description, '') || ' ' || coalesce(v.documents::text, '')"
	err := db.NewSelect().Model(&ps).
		Join("JOIN procedure_versions AS v ON v.procedure_id = p.id AND v.number = p.latest").
		Where("p.commune_id = ? AND p.active", communeID).
		WhereGroup(" AND ", func(sq *bun.SelectQuery) *bun.SelectQuery {
			return sq.Where("to_tsvector('fr_unaccent', "+doc+") @@ plainto_tsquery('fr_unaccent', ?)", q).
				WhereOr("unaccent(lower("+doc+")) LIKE '%' || unaccent(lower(?)) || '%'", escapeLike(q))
		}).
		OrderExpr("ts_rank(to_tsvector('fr_unaccent', "+doc+"), plainto_tsquery('fr_unaccent', ?)) DESC, v.title", q).
		Scan(ctx)
	if err != nil {
		return nil, err
	}
	return ps, latestVersions(ctx, db, ps)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
