package models

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// Attachment is a file attached to a demand, stored on disk under its hash.
type Attachment struct {
	bun.BaseModel `bun:"table:attachments"`

	ID          int64     `bun:",pk,autoincrement"`
	CommuneID   int64     `bun:",notnull"`
	DemandID    int64     `bun:",notnull"`
	Field       string    `bun:",notnull"`
	Filename    string    `bun:",notnull"`
	ContentType string    `bun:",notnull"`
	Size        int64     `bun:",notnull"`
	SHA256      string    `bun:"sha256,notnull"`
	UploadedBy  string    `bun:",notnull"`
	CreatedAt   time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	DeletedAt   *time.Time
}

// Attachments lists a demand's current files.
func Attachments(ctx context.Context, db bun.IDB, communeID, demandID int64) ([]Attachment, error) {
	var as []Attachment
	err := db.NewSelect().Model(&as).
		Where("commune_id = ? AND demand_id = ? AND deleted_at IS NULL", communeID, demandID).
		Order("created_at", "id").Scan(ctx)
	return as, err
}

// CitizenAttachments lists the files the citizen attached to a demand: the
// files agents and services add are internal, never shown to the citizen.
func CitizenAttachments(ctx context.Context, db bun.IDB, communeID, demandID int64) ([]Attachment, error) {
	var as []Attachment
	err := db.NewSelect().Model(&as).
		Where("commune_id = ? AND demand_id = ? AND uploaded_by = 'citizen' AND deleted_at IS NULL", communeID, demandID).
		Order("created_at", "id").Scan(ctx)
	return as, err
}

// Why an attachment could not be added.
var (
	ErrNotEditable  = errors.New("demand not editable")
	ErrDemandFull   = errors.New("demand size limit reached")
	ErrTooManyFiles = errors.New("demand file count limit reached")
	ErrFieldFull    = errors.New("field file count limit reached")
)

// AddAttachment records a file of a demand, under the demand's lock: the
// demand must still be in one of the states given (a late upload after
// submission is refused); see InsertAttachment.
func AddAttachment(ctx context.Context, db *bun.DB, a *Attachment, states []string, limits FileLimits, keep func(context.Context, bun.IDB) error) error {
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
func InsertAttachment(ctx context.Context, tx bun.IDB, a *Attachment, limits FileLimits, keep func(context.Context, bun.IDB) error) (added bool, err error) {
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
	return true, keep(ctx, tx)
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
