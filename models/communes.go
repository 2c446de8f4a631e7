package models

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"guichet/hours"
)

// Commune is a tenant: one town and its one-stop shop.
type Commune struct {
	bun.BaseModel `bun:"table:communes"`

	ID          int64  `bun:",pk,autoincrement"`
	Slug        string `bun:",notnull"`
	Name        string `bun:",notnull"`
	AccentColor string `bun:",notnull"`
	// The contact card.
	Address string `bun:",notnull"`
	Phone   string `bun:",notnull"`
	Email   string `bun:",notnull"`
	Website string `bun:",notnull"`
	// OpeningHours are the week's openings; HoursNote a free text beside
	// them (what opening hours were before they were data).
	OpeningHours Hours  `bun:"type:jsonb,notnull"`
	HoursNote    string `bun:",notnull"`
	// AlsaceMoselle: the commune has Alsace-Moselle's two more public holidays.
	AlsaceMoselle bool `bun:",notnull"`
	// CalendarVersion counts the calendar's changes and ClocksCalendarVersion
	// the one the running clocks were counted on (deadline.Retimer): kept
	// by the database, never written from here.
	CalendarVersion       int64 `bun:",scanonly"`
	ClocksCalendarVersion int64 `bun:",scanonly"`
	// The From of the commune's mails; no address is the instance's MAIL_FROM.
	MailFromName    string `bun:",notnull"`
	MailFromAddress string `bun:",notnull"`
	// LogoSHA256 names the current logo (commune_logos), "" for none.
	LogoSHA256 string `bun:"logo_sha256,notnull"`
	// A deactivated commune's portal, links and sign-in are closed.
	Active bool `bun:",nullzero,notnull,default:true"`
	// Version counts the admin's saves of the identity.
	Version int `bun:",nullzero,notnull,default:1"`
	// The published duties (commune.Duties): "" is generated from the identity.
	A11yLevel       string     `bun:"a11y_level,nullzero,notnull,default:'non'"`
	A11yAuditOn     *time.Time `bun:"a11y_audit_on,type:date"`
	A11yScope       string     `bun:"a11y_scope,notnull"`
	A11yFailures    string     `bun:"a11y_failures,notnull"`
	A11yContact     string     `bun:"a11y_contact,notnull"`
	LegalPublisher  string     `bun:",notnull"`
	LegalDirector   string     `bun:",notnull"`
	LegalHost       string     `bun:",notnull"`
	DataContact     string     `bun:",notnull"`
	DutiesVersion   int        `bun:",nullzero,notnull,default:1"`
	DutiesUpdatedAt *time.Time
	// ConversationRetentionMonths is how long its conversations without a
	// demand are kept, in months after their resolution (retention/).
	ConversationRetentionMonths int       `bun:",nullzero,notnull,default:12"`
	CreatedAt                   time.Time `bun:",nullzero,notnull,default:current_timestamp"`
}

// ContactLines is the commune's contact card, a line each: postal address,
// phone, e-mail, website, opening hours and their note (empty ones left out).
func (c *Commune) ContactLines() []string {
	var out []string
	for _, s := range []string{c.Address, c.Phone, c.Email, c.Website} {
		if s != "" {
			out = append(out, s)
		}
	}
	out = append(out, c.OpeningHours.Lines()...)
	if c.HoursNote != "" {
		out = append(out, c.HoursNote)
	}
	return out
}

// Hours is hours.Week stored as jsonb.
type Hours struct{ hours.Week }

// Value stores the week as JSON.
func (h Hours) Value() (driver.Value, error) {
	b, err := json.Marshal(h.Week)
	return string(b), err
}

// Scan reads the JSON back.
func (h *Hours) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		return json.Unmarshal(v, &h.Week)
	case string:
		return json.Unmarshal([]byte(v), &h.Week)
	case nil:
		h.Week = hours.Week{}
		return nil
	}
	return fmt.Errorf("models: cannot read opening hours from %T", src)
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

// ListCommunes lists every active commune by name.
func ListCommunes(ctx context.Context, db bun.IDB) ([]Commune, error) {
	var cs []Commune
	err := db.NewSelect().Model(&cs).Where("active").Order("name").Scan(ctx)
	return cs, err
}

// CommuneSummary is a commune as the operator's list shows it.
type CommuneSummary struct {
	Commune
	Agents  int `bun:"agents"`
	Demands int `bun:"demands"`
}

// CommuneSummaries lists every commune, active or not, by slug, with its
// numbers of agents and demands (drafts included).
func CommuneSummaries(ctx context.Context, db bun.IDB) ([]CommuneSummary, error) {
	var out []CommuneSummary
	err := db.NewSelect().Model((*Commune)(nil)).ColumnExpr("commune.*").
		ColumnExpr("(SELECT count(*) FROM agents WHERE agents.commune_id = commune.id) AS agents").
		ColumnExpr("(SELECT count(*) FROM demands WHERE demands.commune_id = commune.id) AS demands").
		Order("slug").Scan(ctx, &out)
	return out, err
}

// SetCommuneActive opens or closes a commune; closing it ends its agents'
// sessions at once.
func SetCommuneActive(ctx context.Context, db bun.IDB, id int64, active bool) error {
	res, err := db.NewUpdate().Model((*Commune)(nil)).Set("active = ?", active).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if active {
		return nil
	}
	_, err = db.NewUpdate().Model((*Session)(nil)).Set("revoked_at = now()").
		Where("commune_id = ? AND revoked_at IS NULL", id).Exec(ctx)
	return err
}

// identityColumns are what the admin's identity page changes.
var identityColumns = []string{"name", "accent_color", "address", "phone", "email", "website",
	"opening_hours", "hours_note", "mail_from_name", "mail_from_address"}

// UpdateCommuneIdentity saves the identity of c if the commune is still at
// c.Version (else ErrStale), and moves c to the next version.
func UpdateCommuneIdentity(ctx context.Context, db bun.IDB, c *Commune) error {
	res, err := db.NewUpdate().Model(c).Column(identityColumns...).Set("version = version + 1").
		Where("id = ? AND version = ?", c.ID, c.Version).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrStale
	}
	c.Version++
	return nil
}

// dutiesColumns are what the admin's page of published duties changes.
var dutiesColumns = []string{"a11y_level", "a11y_audit_on", "a11y_scope", "a11y_failures", "a11y_contact",
	"legal_publisher", "legal_director", "legal_host", "data_contact", "duties_updated_at"}

// UpdateCommuneDuties saves the published duties of c if they are still at
// c.DutiesVersion (else ErrStale), and moves c to the next version.
func UpdateCommuneDuties(ctx context.Context, db bun.IDB, c *Commune) error {
	res, err := db.NewUpdate().Model(c).Column(dutiesColumns...).Set("duties_version = duties_version + 1").
		Where("id = ? AND duties_version = ?", c.ID, c.DutiesVersion).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrStale
	}
	c.DutiesVersion++
	return nil
}

// CommuneLogo is a commune's logo, re-encoded as PNG by Guichet.
type CommuneLogo struct {
	bun.BaseModel `bun:"table:commune_logos"`

	CommuneID int64     `bun:",pk"`
	PNG       []byte    `bun:"png,notnull"`
	SHA256    string    `bun:"sha256,notnull"`
	UpdatedAt time.Time `bun:",notnull"`
}

// SetCommuneLogo replaces the commune's logo (nil removes it), and names
// the new one on the commune.
func SetCommuneLogo(ctx context.Context, db bun.IDB, communeID int64, l *CommuneLogo) error {
	sha := ""
	if l == nil {
		if _, err := db.NewDelete().Model((*CommuneLogo)(nil)).Where("commune_id = ?", communeID).Exec(ctx); err != nil {
			return err
		}
	} else {
		l.CommuneID, sha = communeID, l.SHA256
		if _, err := db.NewInsert().Model(l).On("CONFLICT (commune_id) DO UPDATE").
			Set("png = EXCLUDED.png, sha256 = EXCLUDED.sha256, updated_at = EXCLUDED.updated_at").Exec(ctx); err != nil {
			return err
		}
	}
	_, err := db.NewUpdate().Model((*Commune)(nil)).Set("logo_sha256 = ?", sha).Where("id = ?", communeID).Exec(ctx)
	return err
}

// LogoOf finds the logo of a commune.
func LogoOf(ctx context.Context, db bun.IDB, communeID int64) (*CommuneLogo, error) {
	l := new(CommuneLogo)
	err := db.NewSelect().Model(l).Where("commune_id = ?", communeID).Scan(ctx)
	return l, notFound(err)
}
