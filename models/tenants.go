package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Commune is a tenant: one town and its one-stop shop.
type Commune struct {
	bun.BaseModel `bun:"table:communes"`

	ID           int64     `bun:",pk,autoincrement"`
	Slug         string    `bun:",notnull"`
	Name         string    `bun:",notnull"`
	AccentColor  string    `bun:",notnull"`
	LogoURL      string    `bun:",notnull"`
	Address      string    `bun:",notnull"`
	Phone        string    `bun:",notnull"`
	Email        string    `bun:",notnull"`
	OpeningHours string    `bun:",notnull"`
	CreatedAt    time.Time `bun:",nullzero,notnull,default:current_timestamp"`
}

// Service is a municipal service (Voirie, Urbanisme…) that acts through signed links.
type Service struct {
	bun.BaseModel `bun:"table:services"`

	ID        int64     `bun:",pk,autoincrement"`
	CommuneID int64     `bun:",notnull"`
	Name      string    `bun:",notnull"`
	Email     string    `bun:",notnull"`
	Active    bool      `bun:",notnull"`
	CreatedAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	// LinkEpoch is carried by the service's links; bumping it revokes them.
	LinkEpoch int64 `bun:",notnull"`
}

// Agent roles.
const (
	RoleAccueil    = "accueil"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// Agent is a person with an account: accueil agent, supervisor or admin.
type Agent struct {
	bun.BaseModel `bun:"table:agents"`

	ID           int64     `bun:",pk,autoincrement"`
	CommuneID    int64     `bun:",notnull"`
	Email        string    `bun:",notnull"`
	Name         string    `bun:",notnull"`
	Role         string    `bun:",notnull"`
	PasswordHash string    `bun:",notnull"`
	Active       bool      `bun:",notnull"`
	CreatedAt    time.Time `bun:",nullzero,notnull,default:current_timestamp"`
}

// Procedure is a type of demand with its form.
type Procedure struct {
	bun.BaseModel `bun:"table:procedures"`

	ID          int64    `bun:",pk,autoincrement"`
	CommuneID   int64    `bun:",notnull"`
	Slug        string   `bun:",notnull"`
	Title       string   `bun:",notnull"`
	Description string   `bun:",notnull"`
	Documents   []string `bun:",type:jsonb,notnull"`
	Form        []Field  `bun:",type:jsonb,notnull"`
	// Variant names the procedure's lifecycle (workflow.Variants).
	Variant   string    `bun:",nullzero,notnull,default:'standard'"`
	Active    bool      `bun:",notnull"`
	CreatedAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	UpdatedAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
}

// Field is one question of a procedure's form.
type Field struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Type     string   `json:"type"` // text, textarea, email, phone, date, number, choice, checkboxes, address, file
	Help     string   `json:"help,omitempty"`
	Required bool     `json:"required,omitempty"`
	Options  []string `json:"options,omitempty"`
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	MaxLen   int      `json:"max_length,omitempty"`
	// NotBefore names the date field this date may not precede: a period's
	// end names its start.
	NotBefore string `json:"not_before,omitempty"`
}

// CommuneBySlug finds a commune by its public slug.
func CommuneBySlug(ctx context.Context, db bun.IDB, slug string) (*Commune, error) {
	c := new(Commune)
	err := db.NewSelect().Model(c).Where("slug = ?", slug).Scan(ctx)
	return c, notFound(err)
}

// CommuneByID finds a commune by id.
func CommuneByID(ctx context.Context, db bun.IDB, id int64) (*Commune, error) {
	c := new(Commune)
	err := db.NewSelect().Model(c).Where("id = ?", id).Scan(ctx)
	return c, notFound(err)
}

// ListCommunes lists every commune by name.
func ListCommunes(ctx context.Context, db bun.IDB) ([]Commune, error) {
	var cs []Commune
	err := db.NewSelect().Model(&cs).Order("name").Scan(ctx)
	return cs, err
}

// ServiceByID finds a service of a commune.
func ServiceByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Service, error) {
	s := new(Service)
	err := db.NewSelect().Model(s).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return s, notFound(err)
}

// ListServices lists a commune's services by name; activeOnly hides deactivated ones.
func ListServices(ctx context.Context, db bun.IDB, communeID int64, activeOnly bool) ([]Service, error) {
	var ss []Service
	q := db.NewSelect().Model(&ss).Where("commune_id = ?", communeID).Order("name")
	if activeOnly {
		q.Where("active")
	}
	err := q.Scan(ctx)
	return ss, err
}

// ProcedureByID finds a procedure of a commune.
func ProcedureByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Procedure, error) {
	p := new(Procedure)
	err := db.NewSelect().Model(p).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return p, notFound(err)
}

// ProcedureBySlug finds a procedure of a commune by slug.
func ProcedureBySlug(ctx context.Context, db bun.IDB, communeID int64, slug string) (*Procedure, error) {
	p := new(Procedure)
	err := db.NewSelect().Model(p).Where("commune_id = ? AND slug = ?", communeID, slug).Scan(ctx)
	return p, notFound(err)
}

// ListProcedures lists a commune's active procedures by title.
func ListProcedures(ctx context.Context, db bun.IDB, communeID int64) ([]Procedure, error) {
	var ps []Procedure
	err := db.NewSelect().Model(&ps).Where("commune_id = ? AND active", communeID).Order("title").Scan(ctx)
	return ps, err
}

// AgentByEmail finds an agent by sign-in address, case-insensitively.
func AgentByEmail(ctx context.Context, db bun.IDB, email string) (*Agent, error) {
	a := new(Agent)
	err := db.NewSelect().Model(a).Where("lower(email) = lower(?)", email).Scan(ctx)
	return a, notFound(err)
}

// AgentByID finds an agent of a commune.
func AgentByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Agent, error) {
	a := new(Agent)
	err := db.NewSelect().Model(a).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return a, notFound(err)
}
