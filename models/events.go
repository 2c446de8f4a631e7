package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Event visibility.
const (
	Public   = "public"
	Internal = "internal"
)

// Event is one line of a demand's or a conversation's history.
type Event struct {
	bun.BaseModel `bun:"table:demand_events"`

	ID        int64 `bun:",pk,autoincrement"`
	CommuneID int64 `bun:",notnull"`
	DemandID  int64 `bun:",nullzero"` // or ConversationID
	// ConversationID names the conversation of a conversation's entry (then DemandID is 0).
	ConversationID int64     `bun:",nullzero"`
	At             time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	Kind           string    `bun:",notnull"`
	ActorKind      string    `bun:",notnull"`
	ActorID        *int64
	ActorName      string         `bun:",notnull"`
	Channel        string         `bun:",notnull"`
	FromState      string         `bun:",notnull"`
	ToState        string         `bun:",notnull"`
	Message        string         `bun:",notnull"`
	Visibility     string         `bun:",notnull"`
	Details        map[string]any `bun:",type:jsonb,notnull"`
	// Its place in the commune's hash chain (see chain.go).
	Seq         int64
	PrevHash    []byte
	Hash        []byte
	ContentHash []byte
	TextErased  bool
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

// AddEvent appends one line to a demand's history, at the end of its
// commune's chain.
func AddEvent(ctx context.Context, db bun.IDB, ev *Event) error {
	q, err := insertEventSQL(db, ev, "")
	if err != nil {
		return err
	}
	// Without arguments, bun sends the text as it is.
	return db.QueryRowContext(ctx, q).Scan(&ev.ID)
}

// QueueEvent adds the insertion of ev (AddEvent's) to a batch.
func QueueEvent(b *Batch, db bun.IDB, ev *Event) error {
	q, err := insertEventSQL(db, ev, "")
	if err != nil {
		return err
	}
	*b = append(*b, q)
	return nil
}

// History kinds about service links, besides the workflow's events.
const (
	KindLinkOpened = "link_opened" // a service opened its link (at most once an hour per assignment)
	KindLinkResent = "link_resent" // a new link was sent to a service whose link had expired
	KindReminder   = "reminder"    // a service was reminded of a demand waiting on it
)

// AddEventOnce appends ev at now unless an entry of the same kind by the
// same actor (and about the same assignment, for a service's) was recorded
// on the demand less than within before; it reports whether it did.
// It keeps audit entries (a link or a demand opened…) from flooding the
// history.
func AddEventOnce(ctx context.Context, db bun.IDB, ev *Event, now time.Time, within time.Duration) (bool, error) {
	ev.At = now
	asg := ""
	if a, ok := ev.Details["assignment_id"]; ok {
		asg = fmt.Sprint(a)
	}
	where := db.NewRaw(`NOT EXISTS (
			SELECT 1 FROM demand_events
			WHERE demand_id = ? AND kind = ? AND actor_kind = ? AND actor_id IS NOT DISTINCT FROM ?
			AND coalesce(details->>'assignment_id', '') = ? AND at > ?)`,
		ev.DemandID, ev.Kind, ev.ActorKind, ev.ActorID, asg, now.Add(-within)).String()
	q, err := insertEventSQL(db, ev, where)
	if err != nil {
		return false, err
	}
	switch err := db.QueryRowContext(ctx, q).Scan(&ev.ID); err {
	case nil:
		return true, nil
	case sql.ErrNoRows:
		return false, nil
	default:
		return false, err
	}
}
