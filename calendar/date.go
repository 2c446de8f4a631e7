// Package calendar is a commune's calendar: its opening hours, its closures
// and the French public holidays, and the deadlines counted on it (working
// days, working hours, pauses while waiting for the citizen) and the legal
// date of an implicit decision (CRPA L231-1, L114-5). It is pure: no
// database, no clock; every commune is in Europe/Paris.
package calendar

import (
	"cmp"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Paris without the system's zoneinfo
)

// Paris is the time zone of every commune. Opening hours are wall-clock
// times there, so a change to or from summer time shifts no opening hour.
var Paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cannot happen: tzdata is embedded
	}
	return loc
}

// Date is a day of the civil calendar, without a time or a zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// D returns the date y-m-d, normalised as time.Date does (32 January is
// 1 February).
func D(y int, m time.Month, d int) Date {
	return dateOfUTC(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

func dateOfUTC(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// DateOf returns the day t falls on in Paris.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Paris).Date()
	return Date{y, m, d}
}

// ParseDate reads an ISO date, "2006-01-02" (what <input type=date> sends).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: %q is not a date", s)
	}
	return dateOfUTC(t), nil
}

func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String is the ISO form, "2006-01-02".
func (d Date) String() string { return d.utc().Format(time.DateOnly) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// AddDays returns the date n days later (earlier if n < 0).
func (d Date) AddDays(n int) Date { return D(d.Year, d.Month, d.Day+n) }

// AddMonths returns the date n calendar months later, on the same day of
// the month or, when that month is shorter, on its last day: 31 January
// plus one month is 28 (or 29) February. This is how the code de
// procédure civile counts a delay in months (art. 641, second paragraph).
func (d Date) AddMonths(n int) Date {
	first := D(d.Year, d.Month+time.Month(n), 1)
	last := first.AddDays(daysIn(first.Year, first.Month) - 1)
	if d.Day > last.Day {
		return last
	}
	return Date{first.Year, first.Month, d.Day}
}

func daysIn(y int, m time.Month) int { return D(y, m+1, 0).Day }

// Weekday is the day of the week.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return cmp.Compare(d.ordinal(), e.ordinal()) }

// ordinal orders dates (a normalised Date has a month under 16 and a day
// under 32).
func (d Date) ordinal() int { return d.Year<<9 | int(d.Month)<<5 | d.Day }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// DaysUntil is the number of days from d to e (negative if e is before d).
func (d Date) DaysUntil(e Date) int { return int(e.utc().Sub(d.utc()).Hours() / 24) }

// At is the instant of the wall-clock time h:m on d in Paris.
func (d Date) At(h, m int) time.Time { return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, Paris) }

// Start is midnight at the start of d in Paris.
func (d Date) Start() time.Time { return d.At(0, 0) }

var (
	frenchDays   = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

// French is the date as a French sentence says it: "1er janvier 2027".
func (d Date) French() string {
	day := fmt.Sprint(d.Day)
	if d.Day == 1 {
		day = "1er"
	}
	return day + "\u00a0" + frenchMonths[d.Month-1] + " " + fmt.Sprint(d.Year)
}

// FrenchLong adds the day of the week: "vendredi 1er janvier 2027".
func (d Date) FrenchLong() string { return frenchDays[d.Weekday()] + " " + d.French() }
