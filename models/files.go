package models

import (
	"context"

	"github.com/uptrace/bun"
)

// CitizenAttachments lists the files the citizen attached to a demand: the
// files agents and services add are internal, never shown to the citizen.
func CitizenAttachments(ctx context.Context, db bun.IDB, communeID, demandID int64) ([]Attachment, error) {
	var as []Attachment
	err := db.NewSelect().Model(&as).
		Where("commune_id = ? AND demand_id = ? AND uploaded_by = 'citizen' AND deleted_at IS NULL", communeID, demandID).
		Order("created_at", "id").Scan(ctx)
	return as, err
}
