package models

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"guichet/calendar"
)

// DeadlinePolicy is a commune's deadline policy (deadline/): its targets,
// and what it applies to (a motif, a procedure, or neither: applied by
// routing rules only).
type DeadlinePolicy struct {
	bun.BaseModel `bun:"table:deadline_policies,alias:dp"`

	ID              int64  `bun:",pk,autoincrement"`
	CommuneID       int64  `bun:",notnull"`
	Name            string `bun:",notnull"`
	MotifID         *int64
	ProcedureID     *int64
	FirstAnswer     *int          // nil: no first-answer target
	FirstAnswerUnit calendar.Unit `bun:",notnull"`
	Resolution      *int
	ResolutionUnit  calendar.Unit `bun:",notnull"`
	Version         int           `bun:",notnull"`
	CreatedAt       time.Time     `bun:",notnull"`
	UpdatedAt       time.Time     `bun:",notnull"`
}

// ErrPolicyTaken is a policy whose name, motif or procedure another policy
// of the commune already has; Field names which.
type ErrPolicyTaken struct{ Field string }

func (e ErrPolicyTaken) Error() string { return "deadline policy: " + e.Field + " taken" }

func policyTaken(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		switch {
		case strings.Contains(pg.ConstraintName, "motif"):
			return ErrPolicyTaken{"motif"}
		case strings.Contains(pg.ConstraintName, "procedure"):
			return ErrPolicyTaken{"procedure"}
		default:
			return ErrPolicyTaken{"name"}
		}
	}
	return err
}

// DeadlinePolicies lists a commune's policies by name (French order).
func DeadlinePolicies(ctx context.Context, db bun.IDB, communeID int64) ([]DeadlinePolicy, error) {
	var ps []DeadlinePolicy
	err := db.NewSelect().Model(&ps).Where("commune_id = ?", communeID).OrderExpr("name COLLATE french_names, id").Scan(ctx)
	return ps, err
}

// DeadlinePolicyByID finds a policy of a commune.
func DeadlinePolicyByID(ctx context.Context, db bun.IDB, communeID, id int64) (*DeadlinePolicy, error) {
	p := new(DeadlinePolicy)
	err := db.NewSelect().Model(p).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return p, notFound(err)
}

// CreateDeadlinePolicy inserts a policy (ErrPolicyTaken for a name, motif
// or procedure another has).
func CreateDeadlinePolicy(ctx context.Context, db bun.IDB, p *DeadlinePolicy, now time.Time) error {
	p.Version, p.CreatedAt, p.UpdatedAt = 1, now, now
	_, err := db.NewInsert().Model(p).Returning("id").Exec(ctx)
	return policyTaken(err)
}

// UpdateDeadlinePolicy stores a policy unless it changed since p.Version
// was read (ErrStale), and returns it as it was.
func UpdateDeadlinePolicy(ctx context.Context, tx bun.Tx, p *DeadlinePolicy, now time.Time) (*DeadlinePolicy, error) {
	old := new(DeadlinePolicy)
	err := tx.NewSelect().Model(old).Where("commune_id = ? AND id = ?", p.CommuneID, p.ID).For("UPDATE").Scan(ctx)
	if err != nil {
		return nil, notFound(err)
	}
	if old.Version != p.Version {
		return nil, ErrStale
	}
	p.Version, p.UpdatedAt, p.CreatedAt = old.Version+1, now, old.CreatedAt
	_, err = tx.NewUpdate().Model(p).Column("name", "motif_id", "procedure_id", "first_answer", "first_answer_unit",
		"resolution", "resolution_unit", "version", "updated_at").Where("commune_id = ? AND id = ?", p.CommuneID, p.ID).Exec(ctx)
	return old, policyTaken(err)
}

// Deadline targets (deadline_clocks.target).
const (
	TargetFirstAnswer = "first_answer"
	TargetResolution  = "resolution"
)

// Pauses are a clock's pauses, as jsonb.
type Pauses []calendar.Pause

// DeadlineClock is one target's clock on a demand or a conversation.
type DeadlineClock struct {
	bun.BaseModel `bun:"table:deadline_clocks,alias:dc"`

	ID             int64         `bun:",pk,autoincrement"`
	CommuneID      int64         `bun:",notnull"`
	DemandID       int64         `bun:",nullzero"` // or ConversationID
	ConversationID int64         `bun:",nullzero"`
	Target         string        `bun:",notnull"`
	PolicyID       int64         `bun:",notnull"`
	Amount         int           `bun:",notnull"`
	Unit           calendar.Unit `bun:",notnull"`
	StartedAt      time.Time     `bun:",notnull"`
	Pauses         Pauses        `bun:",type:jsonb,notnull"`
	DueAt          *time.Time
	WarnAt         *time.Time
	MetAt          *time.Time
	WarnedAt       *time.Time
	LapsedAt       *time.Time
}

// Paused tells whether the clock waits for the citizen now.
func (k *DeadlineClock) Paused() bool {
	return len(k.Pauses) > 0 && k.Pauses[len(k.Pauses)-1].To.IsZero()
}

// DeadlineSubject is what clocks run on: a demand or a conversation.
type DeadlineSubject struct {
	CommuneID      int64
	DemandID       int64
	ConversationID int64
}

func (s DeadlineSubject) where(q bun.QueryBuilder) bun.QueryBuilder {
	if s.DemandID != 0 {
		return q.Where("commune_id = ? AND demand_id = ?", s.CommuneID, s.DemandID)
	}
	return q.Where("commune_id = ? AND conversation_id = ?", s.CommuneID, s.ConversationID)
}

func (s DeadlineSubject) table() string {
	if s.DemandID != 0 {
		return "demands"
	}
	return "conversations"
}

func (s DeadlineSubject) id() int64 {
	if s.DemandID != 0 {
		return s.DemandID
	}
	return s.ConversationID
}

// SubjectClocks lists the subject's clocks, locked until the transaction ends.
func SubjectClocks(ctx context.Context, tx bun.Tx, s DeadlineSubject) ([]DeadlineClock, error) {
	var ks []DeadlineClock
	q := tx.NewSelect().Model(&ks)
	s.where(q.QueryBuilder())
	err := q.Order("target").For("UPDATE").Scan(ctx)
	return ks, err
}

// ReplaceClocks puts the subject under a policy: its clocks replaced by ks
// (none: no policy), and the subject's policy and due time written.
func ReplaceClocks(ctx context.Context, tx bun.Tx, s DeadlineSubject, policyID *int64, ks []DeadlineClock) error {
	q := tx.NewDelete().Model((*DeadlineClock)(nil))
	s.where(q.QueryBuilder())
	if _, err := q.Exec(ctx); err != nil {
		return err
	}
	if len(ks) > 0 {
		if _, err := tx.NewInsert().Model(&ks).Exec(ctx); err != nil {
			return err
		}
	}
	_, err := tx.NewRaw("UPDATE "+s.table()+" SET deadline_policy_id = ?, due_at = ? WHERE commune_id = ? AND id = ?",
		policyID, NextDue(ks), s.CommuneID, s.id()).Exec(ctx)
	return err
}

// UpdateClocks writes the clocks' pauses and times, and the subject's due time.
func UpdateClocks(ctx context.Context, tx bun.Tx, s DeadlineSubject, ks []DeadlineClock) error {
	for i := range ks {
		if _, err := tx.NewUpdate().Model(&ks[i]).Column("pauses", "due_at", "warn_at", "met_at").Where("commune_id = ? AND id = ?", ks[i].CommuneID, ks[i].ID).Exec(ctx); err != nil {
			return err
		}
	}
	_, err := tx.NewRaw("UPDATE "+s.table()+" SET due_at = ? WHERE commune_id = ? AND id = ?", NextDue(ks), s.CommuneID, s.id()).Exec(ctx)
	return err
}

// NextDue is when the first of the running clocks lapses; nil when none runs.
func NextDue(ks []DeadlineClock) *time.Time {
	var next *time.Time
	for _, k := range ks {
		if k.MetAt == nil && k.DueAt != nil && (next == nil || k.DueAt.Before(*next)) {
			next = k.DueAt
		}
	}
	return next
}

// DueClocks locks up to limit running clocks whose warning (lapsed false)
// or lapse (true) is due by now and not yet sent, skipping those another
// run holds. A clock lapsed before its warning went out is not warned.
func DueClocks(ctx context.Context, tx bun.Tx, now time.Time, lapsed bool, limit int) ([]DeadlineClock, error) {
	var ks []DeadlineClock
	q := tx.NewSelect().Model(&ks).Where("met_at IS NULL")
	if lapsed {
		q.Where("lapsed_at IS NULL AND due_at <= ?", now).Order("due_at", "id")
	} else {
		q.Where("warned_at IS NULL AND warn_at <= ? AND due_at > ?", now, now).Order("warn_at", "id")
	}
	err := q.Limit(int64(limit)).For("UPDATE SKIP LOCKED").Scan(ctx)
	return ks, err
}

// MarkClock records that a clock's warning (lapsed false) or lapse was sent.
func MarkClock(ctx context.Context, db bun.IDB, k *DeadlineClock, lapsed bool, at time.Time) error {
	col := "warned_at"
	if lapsed {
		col, k.LapsedAt = "lapsed_at", &at
	} else {
		k.WarnedAt = &at
	}
	_, err := db.NewUpdate().Model(k).Set(col+" = ?", at).Where("commune_id = ? AND id = ?", k.CommuneID, k.ID).Exec(ctx)
	return err
}

// DeadlineShare is how many of a group's clocks, for one target, ended in
// time and how many lapsed (met late, or still running past their due time).
type DeadlineShare struct {
	Group  string // the team's or the motif's name
	Target string
	Met    int
	Missed int
}

// DeadlineShares counts, per team (by "team") or per motif ("motif"), the
// commune's clocks whose outcome is known at now: met in time, or missed.
// A demand's team is the service holding it, else its routing team, else
// the accueil; a conversation's, its team; a conversation has no motif.
func DeadlineShares(ctx context.Context, db bun.IDB, communeID int64, by string, now time.Time) ([]DeadlineShare, error) {
	group := "coalesce(s.name, '')"
	if by == "motif" {
		group = "coalesce(m.name, '')"
	}
	var out []DeadlineShare
	err := db.NewRaw(`SELECT `+group+` AS "group", dc.target,
			count(*) FILTER (WHERE dc.met_at IS NOT NULL AND dc.met_at <= dc.due_at) AS met,
			count(*) FILTER (WHERE coalesce(dc.met_at, ?1) > dc.due_at) AS missed
		FROM deadline_clocks AS dc
		LEFT JOIN demands AS d ON d.commune_id = dc.commune_id AND d.id = dc.demand_id
		LEFT JOIN conversations AS cv ON cv.commune_id = dc.commune_id AND cv.id = dc.conversation_id
		LEFT JOIN services AS s ON s.commune_id = dc.commune_id AND s.id = coalesce(d.service_id, d.team_service_id, cv.service_id)
		LEFT JOIN motifs AS m ON m.commune_id = dc.commune_id AND m.id = d.motif_id
		WHERE dc.commune_id = ?0 AND dc.due_at IS NOT NULL AND (dc.met_at IS NOT NULL OR dc.due_at < ?1)
		GROUP BY 1, 2 ORDER BY `+group+` COLLATE french_names, dc.target`, communeID, now).Scan(ctx, &out)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return out, err
}

// CommuneEvents lists a commune's history entries about neither a demand
// nor a conversation, of the kinds given, newest first, those whose
// details hold key = id only when key is given.
func CommuneEvents(ctx context.Context, db bun.IDB, communeID int64, kinds []string, key string, id int64, limit int) ([]Event, error) {
	var evs []Event
	q := db.NewSelect().Model(&evs).Where("commune_id = ? AND demand_id IS NULL AND conversation_id IS NULL AND kind IN (?)", communeID, bun.In(kinds))
	if key != "" {
		q.Where("(details->>?)::bigint = ?", key, id)
	}
	err := q.Order("at DESC", "id DESC").Limit(int64(limit)).Scan(ctx)
	return evs, err
}

// CalendarChange is a commune whose calendar changed since its running
// clocks were counted: Version is the calendar's (communes.calendar_version,
// bumped by the database with each change).
type CalendarChange struct {
	CommuneID int64
	Version   int64
}

// CalendarsChanged lists the communes whose running clocks were counted
// on an older calendar than theirs.
func CalendarsChanged(ctx context.Context, db bun.IDB) ([]CalendarChange, error) {
	var out []CalendarChange
	err := db.NewRaw("SELECT id AS commune_id, calendar_version AS version FROM communes WHERE calendar_version <> clocks_calendar_version ORDER BY id").Scan(ctx, &out)
	return out, err
}

// ClocksCounted records that a commune's running clocks were counted on
// its calendar of that version.
func ClocksCounted(ctx context.Context, db bun.IDB, ch CalendarChange) error {
	_, err := db.NewRaw("UPDATE communes SET clocks_calendar_version = ? WHERE id = ?", ch.Version, ch.CommuneID).Exec(ctx)
	return err
}

// RunningSubjects lists the subjects of a commune's next limit running
// clocks past the clock after, in the clocks' order, and the last of those
// clocks (0: none left).
func RunningSubjects(ctx context.Context, db bun.IDB, communeID, after int64, limit int) ([]DeadlineSubject, int64, error) {
	var ks []DeadlineClock
	err := db.NewSelect().Model(&ks).Column("id", "commune_id", "demand_id", "conversation_id").
		Where("commune_id = ? AND met_at IS NULL AND id > ?", communeID, after).Order("id").Limit(int64(limit)).Scan(ctx)
	if err != nil || len(ks) == 0 {
		return nil, 0, err
	}
	var out []DeadlineSubject
	seen := map[DeadlineSubject]bool{}
	for _, k := range ks {
		s := DeadlineSubject{CommuneID: k.CommuneID, DemandID: k.DemandID, ConversationID: k.ConversationID}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, ks[len(ks)-1].ID, nil
}

// LockSubject locks the subject's row, as a transition or a message locks
// it before its clocks. NO KEY: the history entries the deadline job
// writes about the subject meanwhile (their foreign key's share lock)
// need not wait for it.
func LockSubject(ctx context.Context, tx bun.Tx, s DeadlineSubject) error {
	var id int64
	return notFound(tx.NewRaw("SELECT id FROM "+s.table()+" WHERE commune_id = ? AND id = ? FOR NO KEY UPDATE", s.CommuneID, s.id()).Scan(ctx, &id))
}
