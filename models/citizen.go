package models

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

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

// SetCitizenName records the name a citizen gave when starting a demand.
func SetCitizenName(ctx context.Context, db bun.IDB, d *Demand, name string) error {
	d.CitizenName = name
	_, err := db.NewUpdate().Model(d).Column("citizen_name").WherePK().Exec(ctx)
	return err
}

// SaveDraft stores a draft's data; it does nothing once the demand is no
// longer a draft (a late save must not change submitted data).
func SaveDraft(ctx context.Context, db bun.IDB, communeID, id int64, data map[string]any) error {
	_, err := db.NewUpdate().Model((*Demand)(nil)).
		Set("data = ?, updated_at = now()", data).
		Where("commune_id = ? AND id = ? AND state = 'draft'", communeID, id).
		Exec(ctx)
	return err
}

// Why an attachment could not be added.
var (
	ErrNotEditable  = errors.New("demand not editable")
	ErrDemandFull   = errors.New("demand size limit reached")
	ErrTooManyFiles = errors.New("demand file count limit reached")
	ErrFieldFull    = errors.New("field file count limit reached")
)

// IsLimit tells whether err is one of FileLimits': the caller words it
// with what the demand holds.
func IsLimit(err error) bool {
	return errors.Is(err, ErrDemandFull) || errors.Is(err, ErrTooManyFiles) || errors.Is(err, ErrFieldFull)
}

// FileLimits bound what a demand's files take.
type FileLimits struct {
	Size          int64 // bytes, all files together
	Files         int   // files, whoever added them
	FilesPerField int   // files of one question of the form (the citizen's)
}

// FileUsage is what a demand's current files take: all of them, and those
// of one field.
type FileUsage struct {
	Size              int64
	Files, FieldFiles int
}

// AttachedUsage is what a demand's current files take; field "" (the
// accueil's and services' files) counts no field.
func AttachedUsage(ctx context.Context, db bun.IDB, communeID, demandID int64, field string) (FileUsage, error) {
	var u FileUsage
	err := db.NewSelect().Model((*Attachment)(nil)).
		ColumnExpr("coalesce(sum(size), 0), count(*), count(*) FILTER (WHERE field = ? AND field <> '')", field).
		Where("commune_id = ? AND demand_id = ? AND deleted_at IS NULL", communeID, demandID).
		Scan(ctx, &u.Size, &u.Files, &u.FieldFiles)
	return u, err
}

// Admit tells whether one more file of size bytes, for field, fits in a
// demand whose files take u: if not, ErrTooManyFiles, ErrFieldFull or
// ErrDemandFull. Size 0 asks whether any file still fits, before one is
// received.
func (l FileLimits) Admit(u FileUsage, field string, size int64) error {
	switch {
	case u.Files >= l.Files:
		return ErrTooManyFiles
	case field != "" && u.FieldFiles >= l.FilesPerField:
		return ErrFieldFull
	case u.Size+size > l.Size:
		return ErrDemandFull
	}
	return nil
}

// AddAttachment records a file of a demand, under the demand's lock: the
// demand must still be in one of the states given (a late upload after
// submission is refused); see InsertAttachment.
func AddAttachment(ctx context.Context, db *bun.DB, a *Attachment, states []string, limits FileLimits, keep func() error) error {
	return db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		d, err := LockDemand(ctx, tx, a.CommuneID, a.DemandID)
		if err != nil {
			return err
		}
		if !slices.Contains(states, d.State) {
			return ErrNotEditable
		}
		_, err = InsertAttachment(ctx, tx, a, limits, keep)
		return err
	})
}

// InsertAttachment records a file of a demand whose row the caller locked:
// the demand's files must stay within limits (see FileLimits.Admit), and
// the same content added twice by the same kind of person to the same
// field (a double click) is recorded once (added is then false, and a is
// the existing row). Once the row is written, keep puts the content in the
// store, under the content's lock (see RemoveUnusedFile): a file refused
// never gets there.
func InsertAttachment(ctx context.Context, tx bun.IDB, a *Attachment, limits FileLimits, keep func() error) (added bool, err error) {
	err = tx.NewSelect().Model(a).
		Where("commune_id = ? AND demand_id = ? AND field = ? AND sha256 = ? AND uploaded_by = ? AND deleted_at IS NULL",
			a.CommuneID, a.DemandID, a.Field, a.SHA256, a.UploadedBy).
		Limit(1).Scan(ctx)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	u, err := AttachedUsage(ctx, tx, a.CommuneID, a.DemandID, a.Field)
	if err != nil {
		return false, err
	}
	if err := limits.Admit(u, a.Field, a.Size); err != nil {
		return false, err
	}
	if err := lockFile(ctx, tx, a.SHA256); err != nil {
		return false, err
	}
	if _, err = tx.NewInsert().Model(a).Returning("id, created_at").Exec(ctx); err != nil {
		return false, err
	}
	return true, keep()
}

// AttachmentByID finds a current file of a demand.
func AttachmentByID(ctx context.Context, db bun.IDB, communeID, demandID, id int64) (*Attachment, error) {
	a := new(Attachment)
	err := db.NewSelect().Model(a).
		Where("commune_id = ? AND demand_id = ? AND id = ? AND deleted_at IS NULL", communeID, demandID, id).
		Scan(ctx)
	return a, notFound(err)
}

// RemoveAttachment takes a file off a demand, under the demand's lock: the
// demand must still be in one of the states given. A draft's file is
// deleted (nobody else has seen it); later, the row is only marked deleted,
// so that what was submitted stays known. The content stays on disk: see
// RemoveUnusedFile.
func RemoveAttachment(ctx context.Context, db *bun.DB, a *Attachment, states []string) error {
	return db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		d, err := LockDemand(ctx, tx, a.CommuneID, a.DemandID)
		if err != nil {
			return err
		}
		if !slices.Contains(states, d.State) {
			return ErrNotEditable
		}
		if d.State != "draft" {
			_, err := tx.NewUpdate().Model(a).Set("deleted_at = now()").WherePK().Exec(ctx)
			return err
		}
		_, err = tx.NewDelete().Model(a).WherePK().Exec(ctx)
		return err
	})
}

// CountMailsSince counts the mails about a demand with this subject queued since.
func CountMailsSince(ctx context.Context, db bun.IDB, communeID, demandID int64, subject string, since time.Time) (int64, error) {
	return db.NewSelect().Model((*OutboxMail)(nil)).
		Where("commune_id = ? AND demand_id = ? AND subject = ? AND created_at >= ?", communeID, demandID, subject, since).
		Count(ctx)
}
