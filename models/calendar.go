package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"guichet/calendar"
)

// Closure is a period a commune is closed, both days included (UTC
// midnights, as PostgreSQL's dates scan).
type Closure struct {
	bun.BaseModel `bun:"table:closures"`

	ID        int64     `bun:",pk,autoincrement"`
	CommuneID int64     `bun:",notnull"`
	StartsOn  time.Time `bun:"type:date,notnull"`
	EndsOn    time.Time `bun:"type:date,notnull"`
	Label     string    `bun:",notnull"`
	CreatedAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
}

// Calendar is the closure as the calendar counts it.
func (cl Closure) Calendar() calendar.Closure {
	return calendar.Closure{From: dateOf(cl.StartsOn), To: dateOf(cl.EndsOn), Label: cl.Label}
}

func dateOf(t time.Time) calendar.Date {
	y, m, d := t.UTC().Date()
	return calendar.Date{Year: y, Month: m, Day: d}
}

// NewClosure is the row of a commune's closure.
func NewClosure(communeID int64, cl calendar.Closure) *Closure {
	at := func(d calendar.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }
	return &Closure{CommuneID: communeID, StartsOn: at(cl.From), EndsOn: at(cl.To), Label: cl.Label}
}

// ListClosures lists a commune's closures by start.
func ListClosures(ctx context.Context, db bun.IDB, communeID int64) ([]Closure, error) {
	var cs []Closure
	err := db.NewSelect().Model(&cs).Where("commune_id = ?", communeID).Order("starts_on", "ends_on", "id").Scan(ctx)
	return cs, err
}

// CreateClosure records a closure.
func CreateClosure(ctx context.Context, db bun.IDB, cl *Closure) error {
	_, err := db.NewInsert().Model(cl).Returning("id, created_at").Exec(ctx)
	return err
}

// DeleteClosure removes a closure of a commune; ErrNotFound if the commune
// has none of that id.
func DeleteClosure(ctx context.Context, db bun.IDB, communeID, id int64) (*Closure, error) {
	cl := new(Closure)
	err := db.NewDelete().Model(cl).Where("commune_id = ? AND id = ?", communeID, id).Returning("*").Scan(ctx)
	return cl, notFound(err)
}

// SetCommuneAlsaceMoselle says whether a commune is in Alsace-Moselle.
func SetCommuneAlsaceMoselle(ctx context.Context, db bun.IDB, communeID int64, am bool) error {
	_, err := db.NewUpdate().Table("communes").Set("alsace_moselle = ?", am).Where("id = ?", communeID).Exec(ctx)
	return err
}

// CommuneCalendar is the calendar a commune's deadlines are counted on:
// its opening hours (the standard week while it has given none), its
// closures, and whether it is in Alsace-Moselle.
func CommuneCalendar(ctx context.Context, db bun.IDB, cm *Commune) (calendar.Calendar, []Closure, error) {
	rows, err := ListClosures(ctx, db, cm.ID)
	if err != nil {
		return calendar.Calendar{}, nil, err
	}
	cs := make([]calendar.Closure, len(rows))
	for i, r := range rows {
		cs[i] = r.Calendar()
	}
	week := cm.OpeningHours.Week
	if !week.Open() {
		week = calendar.StandardWeek
	}
	c, err := calendar.New(week, cs, cm.AlsaceMoselle)
	return c, rows, err
}
