package calendar

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Closure is a period the commune is closed (a summer closure, a bridge
// day), from From to To, both days included.
type Closure struct {
	From, To Date
	Label    string
}

// MaxClosureDays is the longest a closure may be: a year.
const MaxClosureDays = 366

// Check says, in French, what is wrong with a closure: it ends before it
// starts, or lasts more than a year.
func (cl Closure) Check() error {
	switch n := cl.From.DaysUntil(cl.To) + 1; {
	case n < 1:
		return fmt.Errorf("La fermeture « %s » finit avant de commencer.", cl.Label)
	case n > MaxClosureDays:
		return fmt.Errorf("La fermeture « %s » dure %d jours : une fermeture dure au plus un an.", cl.Label, n)
	}
	return nil
}

// Calendar is one commune's calendar: when it is open, and so how its
// deadlines are counted. Build it with New; the zero Calendar is never
// open, and its deadlines are the zero time.
type Calendar struct {
	week          Week
	closures      []Closure // by start
	alsaceMoselle bool
}

// New builds a commune's calendar from its opening hours, its closures,
// and whether it is in Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle: two
// more public holidays, Vendredi saint and 26 décembre).
func New(week Week, closures []Closure, alsaceMoselle bool) (Calendar, error) {
	if err := checkWeek(week); err != nil {
		return Calendar{}, err
	}
	cs := slices.Clone(closures)
	for _, cl := range cs {
		if err := cl.Check(); err != nil {
			return Calendar{}, err
		}
	}
	slices.SortFunc(cs, func(a, b Closure) int { return a.From.Compare(b.From) })
	return Calendar{week: week, closures: cs, alsaceMoselle: alsaceMoselle}, nil
}

// Week is the calendar's opening hours.
func (c Calendar) Week() Week { return c.week }

// AlsaceMoselle reports whether the calendar has Alsace-Moselle's holidays.
func (c Calendar) AlsaceMoselle() bool { return c.alsaceMoselle }

// Holidays lists the year's public holidays for this commune.
func (c Calendar) Holidays(year int) []Holiday { return Holidays(year, c.alsaceMoselle) }

// IsWorkingDay reports whether the commune is open on d: a day of the week
// it opens, neither a public holiday nor in one of its closures.
func (c Calendar) IsWorkingDay(d Date) bool {
	var k cursor
	return k.working(c, d)
}

// cursor walks the days of a calendar, remembering the holidays of the
// year it is in.
type cursor struct {
	year     int
	holidays []Holiday
	spans    []span
}

// span is an interval of time [from, to).
type span struct{ from, to time.Time }

func (k *cursor) working(c Calendar, d Date) bool {
	if len(c.week[d.Weekday()]) == 0 {
		return false
	}
	if k.holidays == nil || k.year != d.Year {
		k.year, k.holidays = d.Year, Holidays(d.Year, c.alsaceMoselle)
	}
	for _, h := range k.holidays {
		if h.Date == d {
			return false
		}
	}
	for _, cl := range c.closures {
		if d.Before(cl.From) {
			break
		}
		if !d.After(cl.To) {
			return false
		}
	}
	return true
}

// open returns d's opening ranges as instants, none if d is not a working
// day. The slice is reused by the next call.
func (k *cursor) open(c Calendar, d Date) []span {
	k.spans = k.spans[:0]
	if !k.working(c, d) {
		return k.spans
	}
	for _, r := range c.week[d.Weekday()] {
		k.spans = append(k.spans, span{d.At(0, r.Start), d.At(0, r.End)})
	}
	return k.spans
}

func (c Calendar) neverOpen() bool {
	for _, rs := range c.week {
		if len(rs) > 0 {
			return false
		}
	}
	return true
}

// NextWorkingDay is d if it is a working day, else the first one after it.
func (c Calendar) NextWorkingDay(d Date) Date { return c.AddWorkingDays(d, 0) }

// AddWorkingDays is the n-th working day after d, d itself not counted (as
// a delay does not count the day it starts, code de procédure civile art.
// 641); with n = 0 (or less), d if it is a working day, else the next one.
func (c Calendar) AddWorkingDays(d Date, n int) Date {
	if c.neverOpen() {
		return Date{}
	}
	var k cursor
	if n <= 0 {
		for !k.working(c, d) {
			d = d.AddDays(1)
		}
		return d
	}
	for n > 0 {
		d = d.AddDays(1)
		if k.working(c, d) {
			n--
		}
	}
	return d
}

// Pause is a period when a deadline's clock stops, the demand or the
// conversation waiting for the citizen. A zero To means it still waits.
type Pause struct {
	From, To time.Time
}

// walk calls fn with each interval of running time from from on, in
// order: the commune open, outside the pauses (sorted and merged by
// merge). It ends when fn returns false, at until if it is not zero, or
// at a pause still under way.
func (c Calendar) walk(from, until time.Time, pauses []Pause, fn func(a, b time.Time) bool) {
	if c.neverOpen() {
		return
	}
	var k cursor
	p := 0
	for d := DateOf(from); until.IsZero() || !d.Start().After(until); d = d.AddDays(1) {
		for _, s := range k.open(c, d) {
			a, b := later(s.from, from), s.to
			if !until.IsZero() && until.Before(b) {
				b = until
			}
			for a.Before(b) {
				for p < len(pauses) && !pauses[p].To.IsZero() && !pauses[p].To.After(a) {
					p++
				}
				if p == len(pauses) || !pauses[p].From.Before(b) {
					if !fn(a, b) {
						return
					}
					break
				}
				if pauses[p].From.After(a) && !fn(a, pauses[p].From) || pauses[p].To.IsZero() {
					return
				}
				a = pauses[p].To
			}
		}
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// merge sorts pauses and merges those that overlap or touch; a pause
// still under way swallows every later one.
func merge(pauses []Pause) []Pause {
	ps := slices.Clone(pauses)
	slices.SortFunc(ps, func(a, b Pause) int { return a.From.Compare(b.From) })
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 && (out[n-1].To.IsZero() || !p.From.After(out[n-1].To)) {
			if !out[n-1].To.IsZero() && (p.To.IsZero() || p.To.After(out[n-1].To)) {
				out[n-1].To = p.To
			}
			continue
		}
		if p.To.IsZero() || p.To.After(p.From) {
			out = append(out, p)
		}
	}
	return out
}

// WorkingDuration is the working time from from to to: the time the
// commune is open between them, outside the pauses if any are given.
func (c Calendar) WorkingDuration(from, to time.Time, pauses ...Pause) time.Duration {
	var sum time.Duration
	if !to.After(from) {
		return 0
	}
	c.walk(from, to, merge(pauses), func(a, b time.Time) bool {
		sum += b.Sub(a)
		return true
	})
	return sum
}

// AddWorkingHours is the instant d of working time after from: counting
// only the commune's opening ranges. Reached at the close of a range, it is
// that close (12:00, not 13:30).
func (c Calendar) AddWorkingHours(from time.Time, d time.Duration) time.Time {
	return c.addWorking(from, d, nil)
}

func (c Calendar) addWorking(from time.Time, d time.Duration, pauses []Pause) time.Time {
	if d <= 0 {
		return from
	}
	var due time.Time
	c.walk(from, time.Time{}, pauses, func(a, b time.Time) bool {
		if b.Sub(a) >= d {
			due = a.Add(d)
			return false
		}
		d -= b.Sub(a)
		return true
	})
	return due
}

// Unit is the unit of a deadline policy's budget.
type Unit string

// The units of a deadline policy.
const (
	WorkingHours Unit = "heures_ouvrees"
	WorkingDays  Unit = "jours_ouvres"
)

// Label is the unit's French name, for a form's choices.
func (u Unit) Label() string {
	switch u {
	case WorkingHours:
		return "heures ouvrées"
	case WorkingDays:
		return "jours ouvrés"
	}
	return string(u)
}

// French is n of the unit as a sentence says it: "1 jour ouvré", "3 heures ouvrées".
func (u Unit) French(n int) string {
	label := u.Label()
	if n == 1 {
		label = strings.NewReplacer("jours ouvrés", "jour ouvré", "heures ouvrées", "heure ouvrée").Replace(label)
	}
	return strconv.Itoa(n) + "\u00a0" + label
}

// Units are the units a deadline policy may count in.
var Units = []Unit{WorkingHours, WorkingDays}

// Deadline is when a budget of n units of working time, started at start,
// lapses, the clock stopped during the pauses. In working hours, it is
// AddWorkingHours outside the pauses. In working days, a working day counts
// when the clock runs through all of its opening hours (it started at or
// before the day's first opening, and no pause touches them), and the
// deadline is the close of the n-th such day: a demand received on Monday
// at 10:00 with 2 working days is due on Wednesday at closing time. While
// a pause is under way before the budget is spent, there is no deadline:
// the zero time; and for an unknown unit. n <= 0 gives start.
func (c Calendar) Deadline(start time.Time, n int, unit Unit, pauses []Pause) time.Time {
	if n <= 0 {
		return start
	}
	pauses = merge(pauses)
	switch {
	case unit == WorkingHours:
		return c.addWorking(start, time.Duration(n)*time.Hour, pauses)
	case unit != WorkingDays || c.neverOpen():
		return time.Time{}
	}
	var k cursor
	p := 0 // the first pause that does not end before the day opens
	for d := DateOf(start); ; d = d.AddDays(1) {
		spans := k.open(c, d)
		if len(spans) == 0 || spans[0].from.Before(start) {
			continue
		}
		for p < len(pauses) && !pauses[p].To.IsZero() && !pauses[p].To.After(spans[0].from) {
			p++
		}
		whole := true
		for _, q := range pauses[p:] {
			if !q.From.Before(spans[len(spans)-1].to) {
				break
			}
			if touches(q, spans) {
				if q.To.IsZero() {
					return time.Time{}
				}
				whole = false
			}
		}
		if whole {
			if n--; n == 0 {
				return spans[len(spans)-1].to
			}
		}
	}
}

// touches reports whether the pause overlaps one of the spans.
func touches(p Pause, spans []span) bool {
	for _, s := range spans {
		if p.From.Before(s.to) && (p.To.IsZero() || p.To.After(s.from)) {
			return true
		}
	}
	return false
}
