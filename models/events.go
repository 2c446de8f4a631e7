package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Event visibility.
const (
	Public   = "public"
	Internal = "internal"
)

// Event is one line of a demand's history.
type Event struct {
	bun.BaseModel `bun:"table:demand_events"`

	ID         int64     `bun:",pk,autoincrement"`
	CommuneID  int64     `bun:",notnull"`
	DemandID   int64     `bun:",notnull"`
	At         time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	Kind       string    `bun:",notnull"`
	ActorKind  string    `bun:",notnull"`
	ActorID    *int64
	ActorName  string         `bun:",notnull"`
	Channel    string         `bun:",notnull"`
	FromState  string         `bun:",notnull"`
	ToState    string         `bun:",notnull"`
	Message    string         `bun:",notnull"`
	Visibility string         `bun:",notnull"`
	Details    map[string]any `bun:",type:jsonb,notnull"`
}

// History lists a demand's events in order; publicOnly keeps what the citizen may see.
func History(ctx context.Context, db bun.IDB, communeID, demandID int64, publicOnly bool) ([]Event, error) {
	var evs []Event
	q := db.NewSelect().Model(&evs).Where("commune_id = ? AND demand_id = ?", communeID, demandID).Order("at", "id")
	if publicOnly {
		q.Where("visibility = ?", Public)
	}
	err := q.Scan(ctx)
	return evs, err
}

// HistoryOfKinds lists a demand's events of the given kinds, in order.
func HistoryOfKinds(ctx context.Context, db bun.IDB, communeID, demandID int64, kinds ...string) ([]Event, error) {
	var evs []Event
	err := db.NewSelect().Model(&evs).Where("commune_id = ? AND demand_id = ? AND kind IN (?)", communeID, demandID, bun.In(kinds)).
		Order("at", "id").Scan(ctx)
	return evs, err
}

// AddEvent appends one line to a demand's history.
func AddEvent(ctx context.Context, db bun.IDB, ev *Event) error {
	if ev.Details == nil {
		ev.Details = map[string]any{}
	}
	_, err := db.NewInsert().Model(ev).Returning("id, at").Exec(ctx)
	return err
}

// History kinds about service links, besides the workflow's events.
const (
	KindLinkOpened = "link_opened" // a service opened its link (at most once an hour per assignment)
	KindLinkResent = "link_resent" // a new link was sent to a service whose link had expired
	KindReminder   = "reminder"    // a service was reminded of a demand waiting on it
)

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
