package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Demand is a citizen's demand and its current place in the workflow.
type Demand struct {
	bun.BaseModel `bun:"table:demands"`

	ID                int64          `bun:",pk,autoincrement"`
	CommuneID         int64          `bun:",notnull"`
	ProcedureID       int64          `bun:",notnull"`
	Reference         string         `bun:",notnull"`
	TrackingCode      string         `bun:",notnull"`
	State             string         `bun:",notnull"`
	Version           int            `bun:",notnull"`
	CitizenEmail      string         `bun:",notnull"`
	CitizenName       string         `bun:",notnull"`
	Data              map[string]any `bun:",type:jsonb,notnull"`
	CorrectionBy      *string
	CorrectionMessage string   `bun:",notnull"`
	CorrectionFields  []string `bun:",type:jsonb,notnull"`
	ServiceID         *int64
	AssignmentID      *int64
	SubmitToken       *string
	SubmittedAt       *time.Time
	DecidedAt         *time.Time
	CreatedAt         time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	UpdatedAt         time.Time `bun:",nullzero,notnull,default:current_timestamp"`
}

// Assignment is one transfer of a demand to a service.
type Assignment struct {
	bun.BaseModel `bun:"table:assignments"`

	ID          int64     `bun:",pk,autoincrement"`
	CommuneID   int64     `bun:",notnull"`
	DemandID    int64     `bun:",notnull"`
	ServiceID   int64     `bun:",notnull"`
	CreatedAt   time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	EndedAt     *time.Time
	EndedReason string `bun:",notnull"`
	RemindedAt  *time.Time
}

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

// DemandByID finds a demand of a commune.
func DemandByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Demand, error) {
	d := new(Demand)
	err := db.NewSelect().Model(d).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return d, notFound(err)
}

// DemandByReference finds a demand of a commune by its public reference or its tracking code.
func DemandByReference(ctx context.Context, db bun.IDB, communeID int64, ref string) (*Demand, error) {
	d := new(Demand)
	err := db.NewSelect().Model(d).
		Where("commune_id = ? AND (reference = upper(?) OR tracking_code = upper(?))", communeID, ref, ref).
		Scan(ctx)
	return d, notFound(err)
}

// LockDemand reads a demand and locks its row until the transaction ends.
func LockDemand(ctx context.Context, tx bun.Tx, communeID, id int64) (*Demand, error) {
	d := new(Demand)
	err := tx.NewSelect().Model(d).Where("commune_id = ? AND id = ?", communeID, id).For("UPDATE").Scan(ctx)
	return d, notFound(err)
}

// AssignmentByID finds an assignment of a commune.
func AssignmentByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Assignment, error) {
	a := new(Assignment)
	err := db.NewSelect().Model(a).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return a, notFound(err)
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

// AddEvent appends one line to a demand's history.
func AddEvent(ctx context.Context, db bun.IDB, ev *Event) error {
	if ev.Details == nil {
		ev.Details = map[string]any{}
	}
	_, err := db.NewInsert().Model(ev).Returning("id, at").Exec(ctx)
	return err
}

// Attachments lists a demand's current files.
func Attachments(ctx context.Context, db bun.IDB, communeID, demandID int64) ([]Attachment, error) {
	var as []Attachment
	err := db.NewSelect().Model(&as).
		Where("commune_id = ? AND demand_id = ? AND deleted_at IS NULL", communeID, demandID).
		Order("created_at", "id").Scan(ctx)
	return as, err
}
