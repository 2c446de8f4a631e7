package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"guichet/calendar"
)

// Demand is a citizen's demand and its current place in the workflow.
type Demand struct {
	bun.BaseModel `bun:"table:demands"`

	ID                int64          `bun:",pk,autoincrement"`
	CommuneID         int64          `bun:",notnull"`
	ProcedureID       int64          `bun:",notnull"`
	ProcedureVersion  int            `bun:",notnull"` // the version it was filled in with
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
	// What routing rules set (routing/): the priority (1 basse … 4
	// urgente; 0 on a new row: the column's default, normale), the team
	// (nil: the accueil; else a service), the agent it is assigned to,
	// and the transfer a rule proposes, with the rule's name.
	Priority          int16 `bun:",nullzero,notnull,default:2"`
	TeamServiceID     *int64
	AssigneeID        *int64
	ProposedServiceID *int64
	ProposedBy        string `bun:",notnull"`
	// MotifID is what the demand is about: its procedure's default motif
	// at submission, then as an agent reclassified it.
	MotifID *int64
	// ImplicitDecisionOn is the day silence becomes a decision (UTC
	// midnight; nil: the procedure has none, or not submitted), recomputed
	// when a correction ends; ImplicitReachedAt, when that was recorded.
	ImplicitDecisionOn *time.Time `bun:"type:date"`
	ImplicitReachedAt  *time.Time
	// CorrectionDueOn is the day a pending correction is due by (L114-5).
	CorrectionDueOn *time.Time `bun:"type:date"`
	// The deadline policy in effect (deadline/) and when its first running
	// clock lapses (nil: none runs), kept by deadline.Observe.
	DeadlinePolicyID *int64
	DueAt            *time.Time
	CreatedAt        time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	UpdatedAt        time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	// ExpiryNoticeAt: when a draft's citizen was told it would expire;
	// AnonymisedAt: when its identity, texts and files were erased (retention/).
	ExpiryNoticeAt *time.Time
	AnonymisedAt   *time.Time
}

// Day is a date column's value as a calendar date; ok is false for none.
func Day(t *time.Time) (calendar.Date, bool) {
	if t == nil {
		return calendar.Date{}, false
	}
	return dateOf(*t), true
}

// DayTime is a calendar date as a date column stores it (UTC midnight).
func DayTime(d calendar.Date) *time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return &t
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
	err := tx.NewSelect().Model(d).Where("commune_id = ? AND id = ?", communeID, id).For("NO KEY UPDATE").Scan(ctx)
	return d, notFound(err)
}

// SetCitizenName records the name a citizen gave when starting a demand.
func SetCitizenName(ctx context.Context, db bun.IDB, d *Demand, name string) error {
	d.CitizenName = name
	_, err := db.NewUpdate().Model(d).Column("citizen_name").WherePK().Exec(ctx)
	return err
}

// DueImplicitDecisions locks up to limit undecided demands whose implicit
// decision is born on or before today (a date column's UTC midnight) and
// not recorded yet, skipping those in the states given (waiting for the
// citizen: the delay is suspended) and those another run holds.
func DueImplicitDecisions(ctx context.Context, tx bun.Tx, today time.Time, skipStates []string, limit int) ([]Demand, error) {
	var ds []Demand
	err := tx.NewSelect().Model(&ds).
		Where("implicit_reached_at IS NULL AND decided_at IS NULL AND implicit_decision_on IS NOT NULL AND implicit_decision_on <= ?::date", today.Format(time.DateOnly)).
		Where("state NOT IN (?)", bun.In(skipStates)).
		Order("implicit_decision_on", "id").Limit(int64(limit)).For("UPDATE SKIP LOCKED").Scan(ctx)
	return ds, err
}

// MarkImplicitReached records that a demand's implicit decision was born.
func MarkImplicitReached(ctx context.Context, db bun.IDB, d *Demand, at time.Time) error {
	d.ImplicitReachedAt = &at
	_, err := db.NewUpdate().Model(d).Column("implicit_reached_at").WherePK().Exec(ctx)
	return err
}
