package models

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"
)

// Routing rules as rows: what each holds is data here; what it means (how
// a condition is evaluated, what an action does) is routing's.

// Triggers of a rule set.
const TriggerSubmission = "submission"

// Modes of a rule set.
const (
	ModeFirst = "first" // the first rule that matches acts alone
	ModeAll   = "all"   // every rule that matches acts, in order
)

// RuleSet is a commune's ordered rules for one trigger.
type RuleSet struct {
	bun.BaseModel `bun:"table:rule_sets"`

	ID        int64  `bun:",pk,autoincrement"`
	CommuneID int64  `bun:",notnull"`
	Trigger   string `bun:",notnull"`
	Mode      string `bun:",notnull"`
	// Revision changes with any change to the set or its rules (a trigger
	// on routing_rules), and is never reused.
	Revision int64 `bun:",nullzero,notnull,default:nextval('rule_set_revisions')"`
}

// RoutingRule is one rule: conditions (all must hold) → actions.
type RoutingRule struct {
	bun.BaseModel `bun:"table:routing_rules,alias:r"`

	ID         int64          `bun:",pk,autoincrement"`
	CommuneID  int64          `bun:",notnull"`
	SetID      int64          `bun:",notnull"`
	Position   int            `bun:",notnull"`
	Name       string         `bun:",notnull"`
	Enabled    bool           `bun:",notnull"`
	Conditions RuleConditions `bun:",type:jsonb,notnull"`
	Actions    []RuleAction   `bun:",type:jsonb,notnull"`
	Version    int            `bun:",nullzero,notnull,default:1"`
	CreatedAt  time.Time      `bun:",nullzero,notnull,default:current_timestamp"`
	UpdatedAt  time.Time      `bun:",nullzero,notnull,default:current_timestamp"`
}

// RuleConditions are a rule's conditions; an empty one always holds.
type RuleConditions struct {
	Channels   []string        `json:"channels,omitempty"`
	Procedures []int64         `json:"procedures,omitempty"`
	MotifID    int64           `json:"motif_id,omitempty"` // the motif or one below it
	Fields     []FieldCriteria `json:"fields,omitempty"`
	Words      []string        `json:"words,omitempty"`
	AllWords   bool            `json:"all_words,omitempty"` // every word, rather than any
	Domains    []string        `json:"domains,omitempty"`   // the sender's e-mail domain
	Tags       []string        `json:"tags,omitempty"`      // one of the subject's tags
}

// FieldCriteria is a form field's value: Op is equals, contains or one_of.
type FieldCriteria struct {
	Field  string   `json:"field"`
	Op     string   `json:"op"`
	Values []string `json:"values"`
}

// RuleAction is one action of a rule; Kind says which of its fields apply.
type RuleAction struct {
	Kind      string   `json:"kind"`
	ServiceID int64    `json:"service_id,omitempty"` // team (0: the accueil), transfer
	AgentID   int64    `json:"agent_id,omitempty"`
	Auto      bool     `json:"auto,omitempty"` // transfer: made where allowed, else proposed
	Tags      []string `json:"tags,omitempty"`
	Priority  int16    `json:"priority,omitempty"`
	PolicyID  int64    `json:"policy_id,omitempty"` // a deadline policy of the commune
	ReplyID   int64    `json:"reply_id,omitempty"`  // a saved reply, sent (conversations)
}

// RuleSetOf finds the commune's rule set of a trigger, with its rules in
// order (enabled only, or all); a commune that never made one has an empty
// "first match" set (ID 0).
func RuleSetOf(ctx context.Context, db bun.IDB, communeID int64, trigger string, enabledOnly bool) (*RuleSet, []RoutingRule, error) {
	set, err := RuleSetHead(ctx, db, communeID, trigger)
	if err != nil || set.ID == 0 {
		return set, nil, err
	}
	var rules []RoutingRule
	q := db.NewSelect().Model(&rules).Where("commune_id = ? AND set_id = ?", communeID, set.ID).Order("position", "id")
	if enabledOnly {
		q.Where("enabled")
	}
	return set, rules, q.Scan(ctx)
}

// RuleSetHead is a rule set without its rules: its mode and revision (ID
// 0: the commune never made one).
func RuleSetHead(ctx context.Context, db bun.IDB, communeID int64, trigger string) (*RuleSet, error) {
	set := &RuleSet{CommuneID: communeID, Trigger: trigger, Mode: ModeFirst}
	err := db.NewSelect().Model(set).Where("commune_id = ? AND trigger = ?", communeID, trigger).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return set, nil
	}
	return set, err
}

// ensureRuleSet creates the commune's set of a trigger if it has none.
func ensureRuleSet(ctx context.Context, tx bun.Tx, communeID int64, trigger string) (*RuleSet, error) {
	set := &RuleSet{CommuneID: communeID, Trigger: trigger, Mode: ModeFirst}
	_, err := tx.NewInsert().Model(set).On("CONFLICT (commune_id, trigger) DO NOTHING").Exec(ctx)
	if err != nil {
		return nil, err
	}
	err = tx.NewSelect().Model(set).Where("commune_id = ? AND trigger = ?", communeID, trigger).For("UPDATE").Scan(ctx)
	return set, err
}

// SetRuleSetMode chooses whether the first matching rule acts alone or every one does.
func SetRuleSetMode(ctx context.Context, db *bun.DB, communeID int64, trigger, mode string) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		set, err := ensureRuleSet(ctx, tx, communeID, trigger)
		if err != nil {
			return err
		}
		_, err = tx.NewUpdate().Model(set).Set("mode = ?", mode).Set("revision = nextval('rule_set_revisions')").WherePK().Exec(ctx)
		return err
	})
}

// RoutingRuleByID finds a rule of a commune.
func RoutingRuleByID(ctx context.Context, db bun.IDB, communeID, id int64) (*RoutingRule, error) {
	r := new(RoutingRule)
	err := db.NewSelect().Model(r).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return r, notFound(err)
}

// CreateRoutingRule adds a rule at the end of the commune's set of a trigger.
func CreateRoutingRule(ctx context.Context, db *bun.DB, r *RoutingRule, trigger string) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		set, err := ensureRuleSet(ctx, tx, r.CommuneID, trigger)
		if err != nil {
			return err
		}
		r.SetID = set.ID
		err = tx.NewSelect().Model((*RoutingRule)(nil)).ColumnExpr("coalesce(max(position), 0) + 1").
			Where("set_id = ?", set.ID).Scan(ctx, &r.Position)
		if err != nil {
			return err
		}
		_, err = tx.NewInsert().Model(r).Returning("id, version, created_at, updated_at").Exec(ctx)
		return err
	})
}

// UpdateRoutingRule stores a rule's name, state, conditions and actions,
// unless it changed since r.Version was read (ErrStale).
func UpdateRoutingRule(ctx context.Context, db bun.IDB, r *RoutingRule, now time.Time) error {
	res, err := db.NewUpdate().Model(r).Column("name", "enabled", "conditions", "actions").
		Set("version = version + 1").Set("updated_at = ?", now).
		Where("commune_id = ? AND id = ? AND version = ?", r.CommuneID, r.ID, r.Version).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrStale
	}
	r.Version++
	return nil
}

// SetRoutingRuleEnabled turns a rule on or off.
func SetRoutingRuleEnabled(ctx context.Context, db bun.IDB, communeID, id int64, on bool) error {
	res, err := db.NewUpdate().Model((*RoutingRule)(nil)).Set("enabled = ?", on).Set("version = version + 1").
		Where("commune_id = ? AND id = ?", communeID, id).Exec(ctx)
	return affected(res, err)
}

// MoveRoutingRule swaps a rule with its neighbour before (up) or after it;
// the first rule going up, or the last going down, stays.
func MoveRoutingRule(ctx context.Context, db *bun.DB, communeID, id int64, up bool) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		r := new(RoutingRule)
		err := tx.NewSelect().Model(r).Where("commune_id = ? AND id = ?", communeID, id).For("UPDATE").Scan(ctx)
		if err != nil {
			return notFound(err)
		}
		other := new(RoutingRule)
		q := tx.NewSelect().Model(other).Where("set_id = ?", r.SetID).For("UPDATE").Limit(1)
		if up {
			q.Where("position < ?", r.Position).Order("position DESC")
		} else {
			q.Where("position > ?", r.Position).Order("position ASC")
		}
		if err := q.Scan(ctx); errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		// The unique (set_id, position) is checked at commit: the swap may pass through a duplicate.
		for _, p := range []struct {
			id  int64
			pos int
		}{{r.ID, other.Position}, {other.ID, r.Position}} {
			if _, err := tx.NewUpdate().Model((*RoutingRule)(nil)).Set("position = ?", p.pos).Where("id = ?", p.id).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// affected turns an update or delete of no row into ErrNotFound.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetAutoTransfer sets which of the commune's procedures allow a rule to
// make a transfer itself: those listed, and no other.
func SetAutoTransfer(ctx context.Context, db bun.IDB, communeID int64, allowed []int64) error {
	q := db.NewUpdate().Model((*Procedure)(nil)).Where("commune_id = ?", communeID)
	if len(allowed) == 0 {
		q.Set("auto_transfer = false")
	} else {
		q.Set("auto_transfer = (id IN (?))", bun.In(allowed))
	}
	_, err := q.Exec(ctx)
	return err
}

// RecentDemands are the commune's last n submitted demands (drafts aside),
// the latest first: what a rule's preview is tried on.
func RecentDemands(ctx context.Context, db bun.IDB, communeID int64, n int) ([]Demand, error) {
	var ds []Demand
	err := db.NewSelect().Model(&ds).Where("commune_id = ? AND submitted_at IS NOT NULL", communeID).
		Order("submitted_at DESC", "id DESC").Limit(int64(n)).Scan(ctx)
	return ds, err
}

// RecentConversations are the commune's last n conversations opened (merged
// ones aside), the latest first, each with its first message: what a
// rule's preview is tried on besides demands.
func RecentConversations(ctx context.Context, db bun.IDB, communeID int64, n int) ([]Conversation, map[int64]*Message, error) {
	var cvs []Conversation
	err := db.NewSelect().Model(&cvs).Where("commune_id = ? AND merged_into IS NULL", communeID).
		Order("created_at DESC", "id DESC").Limit(int64(n)).Scan(ctx)
	if err != nil || len(cvs) == 0 {
		return cvs, nil, err
	}
	ids := make([]int64, len(cvs))
	for i, cv := range cvs {
		ids[i] = cv.ID
	}
	var ms []Message
	err = db.NewSelect().Model(&ms).DistinctOn("conversation_id").Where("commune_id = ? AND conversation_id IN (?) AND NOT internal", communeID, bun.In(ids)).
		Order("conversation_id", "created_at", "id").Scan(ctx)
	first := make(map[int64]*Message, len(ms))
	for i := range ms {
		first[ms[i].ConversationID] = &ms[i]
	}
	return cvs, first, err
}

// TagNames are the names of the tags on each of the rows ids of table
// ("demand_tags" or "conversation_tags", keyed by column), by row.
func TagNames(ctx context.Context, db bun.IDB, table, column string, communeID int64, ids []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64  `bun:"id"`
		Name string `bun:"name"`
	}
	err := db.NewRaw("SELECT x.? AS id, t.name FROM ? x JOIN tags t ON t.id = x.tag_id WHERE t.commune_id = ? AND x.? IN (?) ORDER BY t.name",
		bun.Ident(column), bun.Ident(table), communeID, bun.Ident(column), bun.In(ids)).Scan(ctx, &rows)
	for _, r := range rows {
		out[r.ID] = append(out[r.ID], r.Name)
	}
	return out, err
}

// SaveRouting writes what routing sets on a demand (not a transition: the
// demand's version is kept).
func SaveRouting(ctx context.Context, db bun.IDB, d *Demand) error {
	_, err := db.NewUpdate().Model(d).Column("priority", "team_service_id", "assignee_id",
		"deadline_policy", "proposed_service_id", "proposed_by").
		Where("commune_id = ? AND id = ?", d.CommuneID, d.ID).Exec(ctx)
	return err
}
