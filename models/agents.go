package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"guichet/perm"
)

// Agent is a person with an account; what they may do is their profile's.
type Agent struct {
	bun.BaseModel `bun:"table:agents"`

	ID           int64     `bun:",pk,autoincrement"`
	CommuneID    int64     `bun:",notnull"`
	Email        string    `bun:",notnull"`
	Name         string    `bun:",notnull"`
	ProfileID    int64     `bun:",notnull"`
	PasswordHash string    `bun:",notnull"`
	Active       bool      `bun:",notnull"`
	CreatedAt    time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	// Profile is loaded with the agent by every function here.
	Profile *Profile `bun:"rel:belongs-to,join:profile_id=id"`
}

// Has tells whether the agent's profile grants p.
func (a *Agent) Has(p perm.Permission) bool { return a.Profile.Has(p) }

// Converses tells whether the agent's profile opens the conversations (perm.Set.Converses).
func (a *Agent) Converses() bool { return a.Profile != nil && a.Profile.Permissions.Converses() }

// AgentByEmail finds an agent by sign-in address, case-insensitively.
func AgentByEmail(ctx context.Context, db bun.IDB, email string) (*Agent, error) {
	a := new(Agent)
	err := db.NewSelect().Model(a).Relation("Profile").Where("lower(agent.email) = lower(?)", email).Scan(ctx)
	return a, notFound(err)
}

// AgentByID finds an agent of a commune.
func AgentByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Agent, error) {
	a := new(Agent)
	err := db.NewSelect().Model(a).Relation("Profile").Where("agent.commune_id = ? AND agent.id = ?", communeID, id).Scan(ctx)
	return a, notFound(err)
}

// ListAgents lists a commune's agents, active ones first, by name.
func ListAgents(ctx context.Context, db bun.IDB, communeID int64) ([]Agent, error) {
	var as []Agent
	err := db.NewSelect().Model(&as).Relation("Profile").Where("agent.commune_id = ?", communeID).Order("agent.active DESC", "agent.name", "agent.id").Scan(ctx)
	return as, err
}

// CreateAgent adds an agent; an address already used (in any commune) gives ErrTaken.
func CreateAgent(ctx context.Context, db bun.IDB, a *Agent) error {
	_, err := db.NewInsert().Model(a).Returning("id, created_at").Exec(ctx)
	return uniqueViolation(err)
}

// SetAgentActive activates or deactivates an agent of a commune; a
// deactivated agent's sessions end at once.
func SetAgentActive(ctx context.Context, db bun.IDB, communeID, id int64, active bool) error {
	res, err := db.NewUpdate().Model((*Agent)(nil)).Set("active = ?", active).Where("commune_id = ? AND id = ?", communeID, id).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if active {
		return nil
	}
	return RevokeAgentSessions(ctx, db, communeID, id)
}

// SetAgentPassword stores an agent's new password hash.
func SetAgentPassword(ctx context.Context, db bun.IDB, communeID, agentID int64, hash string) error {
	_, err := db.NewUpdate().Model((*Agent)(nil)).Set("password_hash = ?", hash).
		Where("commune_id = ? AND id = ?", communeID, agentID).Exec(ctx)
	return err
}
