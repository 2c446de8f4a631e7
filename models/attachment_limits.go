package models

import (
	"context"
	"errors"

	"github.com/uptrace/bun"
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
