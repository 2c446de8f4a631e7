package models

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"
)

// NotificationPreference is how an agent wants to be told of one kind of
// event (notify.Kinds); a kind without a row has its default.
type NotificationPreference struct {
	bun.BaseModel `bun:"table:notification_preferences"`

	CommuneID int64  `bun:",notnull"`
	AgentID   int64  `bun:",pk"`
	Kind      string `bun:",pk"`
	Frequency string `bun:",notnull"`
}

// DigestSchedule is when an agent's digests go, in Europe/Paris; an agent
// without one has notify's defaults.
type DigestSchedule struct {
	bun.BaseModel `bun:"table:digest_schedules"`

	CommuneID  int64 `bun:",notnull"`
	AgentID    int64 `bun:",pk"`
	DailyHour  int   `bun:",notnull"`
	WeeklyDay  int   `bun:",notnull"` // 1 Monday … 7 Sunday
	WeeklyHour int   `bun:",notnull"`
}

// Digest is one digest e-mail sent to an agent.
type Digest struct {
	bun.BaseModel `bun:"table:digests"`

	ID        int64     `bun:",pk,autoincrement"`
	CommuneID int64     `bun:",notnull"`
	AgentID   int64     `bun:",notnull"`
	SentAt    time.Time `bun:",notnull"`
	Items     int       `bun:",notnull"`
}

// DigestItem is an event waiting for an agent's next digest of its
// cadence ("daily" or "weekly"), until a digest lists it.
type DigestItem struct {
	bun.BaseModel `bun:"table:digest_items"`

	ID         int64     `bun:",pk,autoincrement"`
	CommuneID  int64     `bun:",notnull"`
	AgentID    int64     `bun:",notnull"`
	Kind       string    `bun:",notnull"`
	Cadence    string    `bun:",notnull"`
	DemandID   int64     `bun:",notnull"`
	EventID    int64     `bun:",notnull"`
	OccurredAt time.Time `bun:",notnull"`
	DigestID   *int64
}

// NotificationPreferences lists the preferences of a commune's agents
// (agentID 0: every agent's).
func NotificationPreferences(ctx context.Context, db bun.IDB, communeID, agentID int64) ([]NotificationPreference, error) {
	var ps []NotificationPreference
	q := db.NewSelect().Model(&ps).Where("commune_id = ?", communeID)
	if agentID != 0 {
		q.Where("agent_id = ?", agentID)
	}
	return ps, q.Order("agent_id", "kind").Scan(ctx)
}

// DigestScheduleOf is an agent's schedule; ErrNotFound when none was saved.
func DigestScheduleOf(ctx context.Context, db bun.IDB, communeID, agentID int64) (*DigestSchedule, error) {
	s := new(DigestSchedule)
	err := db.NewSelect().Model(s).Where("commune_id = ? AND agent_id = ?", communeID, agentID).Scan(ctx)
	return s, notFound(err)
}

// SaveNotificationSettings replaces an agent's preferences and schedule.
func SaveNotificationSettings(ctx context.Context, db bun.IDB, s *DigestSchedule, prefs []NotificationPreference) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(s).On("CONFLICT (commune_id, agent_id) DO UPDATE").
			Set("daily_hour = EXCLUDED.daily_hour, weekly_day = EXCLUDED.weekly_day, weekly_hour = EXCLUDED.weekly_hour").
			Exec(ctx); err != nil {
			return err
		}
		if len(prefs) == 0 {
			return nil
		}
		_, err := tx.NewInsert().Model(&prefs).On("CONFLICT (commune_id, agent_id, kind) DO UPDATE").
			Set("frequency = EXCLUDED.frequency").Exec(ctx)
		return err
	})
}

// Recipient is an agent to tell of an event, with the frequency they
// chose for its kind ("" when they chose none).
type Recipient struct {
	Agent     `bun:",extend"`
	Frequency string
}

// PendingDigest is, for an agent, the oldest event waiting for a digest of
// one cadence, with the agent's schedule (zero when none was saved).
type PendingDigest struct {
	AgentID    int64
	Cadence    string
	Oldest     time.Time
	HasSched   bool
	DailyHour  int
	WeeklyDay  int
	WeeklyHour int
}

// PendingDigests lists, per active agent and cadence, the oldest event
// that waits for a digest, all communes.
func PendingDigests(ctx context.Context, db bun.IDB) ([]PendingDigest, error) {
	var ps []PendingDigest
	err := db.NewRaw(`
		SELECT i.agent_id, i.cadence, min(i.occurred_at) AS oldest, s.agent_id IS NOT NULL AS has_sched,
			coalesce(s.daily_hour, 0) AS daily_hour, coalesce(s.weekly_day, 0) AS weekly_day, coalesce(s.weekly_hour, 0) AS weekly_hour
		FROM digest_items AS i
		JOIN agents AS a ON a.commune_id = i.commune_id AND a.id = i.agent_id AND a.active
		LEFT JOIN digest_schedules AS s ON s.commune_id = i.commune_id AND s.agent_id = i.agent_id
		WHERE i.digest_id IS NULL
		GROUP BY i.agent_id, i.cadence, s.agent_id, s.daily_hour, s.weekly_day, s.weekly_hour
		ORDER BY i.agent_id, i.cadence`).Scan(ctx, &ps)
	return ps, err
}

// DigestLine is an item of a digest as the mail lists it: the item, its
// demand's reference and procedure, and its history entry.
type DigestLine struct {
	DigestItem `bun:",extend"`
	Reference  string
	Procedure  string
	Event      Event `bun:"embed:e__"`
}

// LockDigestAgent takes an agent for the sending of their digest, or tells
// that another transaction has (false): one digest per agent at a time.
// FOR NO KEY UPDATE leaves the agent's row free for the foreign-key checks
// of the items transitions write meanwhile.
func LockDigestAgent(ctx context.Context, tx bun.Tx, agentID int64) (*Agent, bool, error) {
	a := new(Agent)
	err := tx.NewSelect().Model(a).Where("id = ? AND active", agentID).For("NO KEY UPDATE SKIP LOCKED").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return a, err == nil, err
}

// ClaimDigestItems locks an agent's items that wait for a digest and
// occurred before the cutoff of their cadence, skipping those another
// transaction holds, so that two runs never list the same item; oldest
// first.
func ClaimDigestItems(ctx context.Context, tx bun.Tx, agentID int64, dailyBefore, weeklyBefore time.Time) ([]DigestLine, error) {
	var lines []DigestLine
	err := tx.NewRaw(`
		SELECT i.*, d.reference, p.title AS procedure, `+prefixed(tx, Event{}, "e")+`
		FROM digest_items AS i
		JOIN demands AS d ON d.commune_id = i.commune_id AND d.id = i.demand_id
		JOIN procedure_versions AS p ON p.commune_id = d.commune_id AND p.procedure_id = d.procedure_id AND p.number = d.procedure_version
		JOIN demand_events AS e ON e.id = i.event_id
		WHERE i.agent_id = ? AND i.digest_id IS NULL
			AND ((i.cadence = 'daily' AND i.occurred_at < ?) OR (i.cadence = 'weekly' AND i.occurred_at < ?))
		ORDER BY i.occurred_at, i.id
		FOR UPDATE OF i SKIP LOCKED`, agentID, dailyBefore, weeklyBefore).Scan(ctx, &lines)
	return lines, err
}

// MarkDigested records the digest of lines and points each item at it.
func MarkDigested(ctx context.Context, tx bun.Tx, g *Digest, lines []DigestLine) error {
	if _, err := tx.NewInsert().Model(g).Returning("id").Exec(ctx); err != nil {
		return err
	}
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.ID
	}
	_, err := tx.NewUpdate().Model((*DigestItem)(nil)).Set("digest_id = ?", g.ID).
		Where("id IN (?) AND digest_id IS NULL", bun.In(ids)).Exec(ctx)
	return err
}
