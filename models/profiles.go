package models

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"guichet/perm"
)

// Profile is a named set of permissions of a commune, optionally limited
// to some procedures; every agent has one.
type Profile struct {
	bun.BaseModel `bun:"table:profiles"`

	ID          int64    `bun:",pk,autoincrement"`
	CommuneID   int64    `bun:",notnull"`
	Name        string   `bun:",notnull"`
	Permissions perm.Set `bun:",array"`
	// ProcedureIDs are the procedures whose demands it may see; empty: every one.
	ProcedureIDs []int64   `bun:"procedure_ids,array"`
	Version      int       `bun:",notnull"`
	CreatedAt    time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	// Agents using it, when listed with ListProfiles.
	Agents int `bun:",scanonly"`
}

// Has tells whether the profile grants p.
func (p *Profile) Has(x perm.Permission) bool { return p != nil && p.Permissions.Has(x) }

// Errors of the profile rules.
var (
	// ErrStale: the row (a profile, a commune's identity…) changed since
	// the version the person saw.
	ErrStale = errors.New("changed meanwhile")
	// ErrInUse: agents still have the profile.
	ErrInUse = errors.New("in use")
	// ErrLockout: the change would leave the acting admin without the administer permission.
	ErrLockout = errors.New("would lock the admin out")
	// ErrBadScope: a procedure of the scope is not the commune's.
	ErrBadScope = errors.New("procedure of another commune")
)

// CreateCommune adds a commune with its default profiles (returned by
// name), in one transaction.
func CreateCommune(ctx context.Context, db bun.IDB, c *Commune) (map[string]*Profile, error) {
	var profiles map[string]*Profile
	err := db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(c).Returning("*").Exec(ctx); err != nil {
			return uniqueViolation(err)
		}
		var err error
		profiles, err = CreateDefaultProfiles(ctx, tx, c.ID)
		return err
	})
	return profiles, err
}

// CreateDefaultProfiles gives a commune the profiles of perm.Defaults, by name.
func CreateDefaultProfiles(ctx context.Context, db bun.IDB, communeID int64) (map[string]*Profile, error) {
	out := map[string]*Profile{}
	for _, d := range perm.Defaults {
		p := &Profile{CommuneID: communeID, Name: d.Name, Permissions: d.Permissions}
		if err := CreateProfile(ctx, db, p); err != nil {
			return nil, err
		}
		out[d.Name] = p
	}
	return out, nil
}

// ListProfiles lists a commune's profiles by name, with how many agents use each.
func ListProfiles(ctx context.Context, db bun.IDB, communeID int64) ([]Profile, error) {
	var ps []Profile
	err := db.NewSelect().Model(&ps).
		ColumnExpr("profile.*").
		ColumnExpr("(SELECT count(*) FROM agents a WHERE a.commune_id = profile.commune_id AND a.profile_id = profile.id) AS agents").
		Where("commune_id = ?", communeID).Order("name", "id").Scan(ctx)
	return ps, err
}

// ProfileByID finds a profile of a commune.
func ProfileByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Profile, error) {
	p := new(Profile)
	err := db.NewSelect().Model(p).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return p, notFound(err)
}

// ProfileByName finds a profile of a commune by name, case aside.
func ProfileByName(ctx context.Context, db bun.IDB, communeID int64, name string) (*Profile, error) {
	p := new(Profile)
	err := db.NewSelect().Model(p).Where("commune_id = ? AND lower(name) = lower(?)", communeID, name).Scan(ctx)
	return p, notFound(err)
}

// CreateProfile adds a profile; a name the commune already uses gives
// ErrTaken, a procedure not of the commune ErrBadScope.
func CreateProfile(ctx context.Context, db bun.IDB, p *Profile) error {
	if err := checkScope(ctx, db, p); err != nil {
		return err
	}
	p.Permissions, p.ProcedureIDs, p.Version = nonNilSet(p.Permissions), nonNilIDs(p.ProcedureIDs), 1
	_, err := db.NewInsert().Model(p).Returning("id, created_at").Exec(ctx)
	return uniqueViolation(err)
}

// UpdateProfile stores p's name, permissions and scope if its stored
// version is still p.Version (else ErrStale), then bumps the version. It is
// refused with ErrLockout when the acting agent would lose the administer
// permission by it.
func UpdateProfile(ctx context.Context, db bun.IDB, p *Profile, actingID int64) error {
	if err := checkScope(ctx, db, p); err != nil {
		return err
	}
	p.Permissions, p.ProcedureIDs = nonNilSet(p.Permissions), nonNilIDs(p.ProcedureIDs)
	return db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model(p).Column("name", "permissions", "procedure_ids").
			Set("version = version + 1").
			Where("commune_id = ? AND id = ? AND version = ?", p.CommuneID, p.ID, p.Version).
			Returning("version").Exec(ctx)
		if err != nil {
			return uniqueViolation(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := ProfileByID(ctx, tx, p.CommuneID, p.ID); err != nil {
				return err
			}
			return ErrStale
		}
		return keepsAdmin(ctx, tx, p.CommuneID, actingID)
	})
}

// DeleteProfile deletes a profile no agent uses (else ErrInUse).
func DeleteProfile(ctx context.Context, db bun.IDB, communeID, id int64) error {
	res, err := db.NewDelete().Model((*Profile)(nil)).
		Where("commune_id = ? AND id = ?", communeID, id).
		Where("NOT EXISTS (SELECT 1 FROM agents a WHERE a.commune_id = ? AND a.profile_id = ?)", communeID, id).
		Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := ProfileByID(ctx, db, communeID, id); err != nil {
			return err
		}
		return ErrInUse
	}
	return nil
}

// SetAgentProfile gives an agent of a commune another of its profiles;
// refused with ErrLockout when the acting agent would lose the administer
// permission by it. The agent's sessions carry on, under the new profile.
func SetAgentProfile(ctx context.Context, db bun.IDB, communeID, agentID, profileID, actingID int64) error {
	return db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		if _, err := ProfileByID(ctx, tx, communeID, profileID); err != nil {
			return err
		}
		res, err := tx.NewUpdate().Model((*Agent)(nil)).Set("profile_id = ?", profileID).
			Where("commune_id = ? AND id = ?", communeID, agentID).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return keepsAdmin(ctx, tx, communeID, actingID)
	})
}

// keepsAdmin refuses a change that took the administer permission from
// the admin making it: the commune would have shut its own admin out.
func keepsAdmin(ctx context.Context, db bun.IDB, communeID, actingID int64) error {
	a, err := AgentByID(ctx, db, communeID, actingID)
	if err != nil {
		return err
	}
	if !a.Has(perm.Administer) {
		return ErrLockout
	}
	return nil
}

// checkScope refuses a scope naming a procedure of another commune.
func checkScope(ctx context.Context, db bun.IDB, p *Profile) error {
	ids := slices.Compact(slices.Sorted(slices.Values(p.ProcedureIDs)))
	if len(ids) == 0 {
		return nil
	}
	n, err := db.NewSelect().Model((*Procedure)(nil)).Where("commune_id = ? AND id IN (?)", p.CommuneID, bun.In(ids)).Count(ctx)
	if err != nil {
		return err
	}
	if n != int64(len(ids)) {
		return ErrBadScope
	}
	p.ProcedureIDs = ids
	return nil
}

func nonNilSet(s perm.Set) perm.Set {
	if s == nil {
		return perm.Set{}
	}
	return s
}

func nonNilIDs(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return s
}
