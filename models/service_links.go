package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// History kinds about service links, besides the workflow's events.
const (
	KindLinkOpened = "link_opened" // a service opened its link (at most once an hour per assignment)
	KindLinkResent = "link_resent" // a new link was sent to a service whose link had expired
	KindReminder   = "reminder"    // a service was reminded of a demand waiting on it
)

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

// AddEventOnce appends ev unless an event of the same kind about the same
// assignment was recorded less than within before now (ev.At); it reports
// whether it did.
// It keeps audit entries (a link opened…) from flooding the history.
func AddEventOnce(ctx context.Context, db bun.IDB, ev *Event, assignmentID int64, now time.Time, within time.Duration) (bool, error) {
	if ev.Details == nil {
		ev.Details = map[string]any{}
	}
	ev.Details["assignment_id"] = assignmentID
	details, err := json.Marshal(ev.Details)
	if err != nil {
		return false, err
	}
	var ids []int64
	err = db.NewRaw(`
		INSERT INTO demand_events (commune_id, demand_id, at, kind, actor_kind, actor_id, actor_name, channel, from_state, to_state, message, visibility, details)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb
		WHERE NOT EXISTS (
			SELECT 1 FROM demand_events
			WHERE demand_id = ? AND kind = ? AND details->>'assignment_id' = ? AND at > ?)
		RETURNING id`,
		ev.CommuneID, ev.DemandID, now, ev.Kind, ev.ActorKind, ev.ActorID, ev.ActorName, ev.Channel, ev.FromState, ev.ToState, ev.Message, ev.Visibility, string(details),
		ev.DemandID, ev.Kind, fmt.Sprint(assignmentID), now.Add(-within),
	).Scan(ctx, &ids)
	if err != nil {
		return false, err
	}
	if len(ids) == 1 {
		ev.ID, ev.At = ids[0], now
	}
	return len(ids) == 1, nil
}

// Reminder is a demand that has waited on a service long enough to remind it.
type Reminder struct {
	Demand     *Demand
	Assignment *Assignment
}

// DueReminders locks, for the caller's transaction, up to limit demands
// held by a service (in one of the held states) since before cutoff whose service has not been reminded since
// cutoff, the longest waiting first; a deactivated service, whose links no
// longer act, is not reminded. Rows another run holds are skipped.
func DueReminders(ctx context.Context, tx bun.Tx, held []string, cutoff time.Time, limit int64) ([]Reminder, error) {
	var asgIDs []int64
	err := tx.NewSelect().ModelTableExpr("demands AS d").ColumnExpr("a.id").
		Join("JOIN assignments AS a ON a.id = d.assignment_id").
		Join("JOIN services AS s ON s.id = a.service_id").
		Where("d.state IN (?) AND a.ended_at IS NULL AND s.active AND d.updated_at <= ?", bun.In(held), cutoff).
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
