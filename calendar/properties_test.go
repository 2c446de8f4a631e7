package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

// randomCalendar is a calendar with random closures, in Alsace-Moselle or
// not, on the standard week or one with Saturday mornings.
func randomCalendar(t testing.TB, r *rand.Rand, around Date) Calendar {
	t.Helper()
	var cs []Closure
	for range r.IntN(4) {
		from := around.AddDays(r.IntN(400) - 30)
		cs = append(cs, Closure{From: from, To: from.AddDays(r.IntN(20)), Label: "fermeture"})
	}
	week := StandardWeek
	if r.IntN(2) == 0 {
		week = *saturdays
	}
	c, err := New(week, cs, r.IntN(2) == 0)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func randomDate(r *rand.Rand) Date { return D(1900+r.IntN(500), time.January, 1+r.IntN(365)) }

// randomInstant is a minute of a random day, 2 a.m. on the days summer
// time starts included.
func randomInstant(r *rand.Rand, d Date) time.Time { return d.At(0, r.IntN(24*60)) }

func TestAddWorkingDaysLandsOnTheNthWorkingDay(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		d := randomDate(r)
		c := randomCalendar(t, r, d)
		n := r.IntN(300)
		got := c.AddWorkingDays(d, n)
		if !c.IsWorkingDay(got) {
			t.Fatalf("AddWorkingDays(%s, %d) = %s, not a working day", d, n, got)
		}
		counted := 0
		for e := d.AddDays(1); !e.After(got); e = e.AddDays(1) {
			if c.IsWorkingDay(e) {
				counted++
			}
		}
		if n > 0 && counted != n || n == 0 && got != d && counted != 1 {
			t.Fatalf("AddWorkingDays(%s, %d) = %s: %d working days after %s", d, n, got, counted, d)
		}
	}
}

func TestWorkingDurationUndoesAddWorkingHours(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		d := randomDate(r)
		c := randomCalendar(t, r, d)
		from := randomInstant(r, d)
		h := time.Duration(r.IntN(500*60)) * time.Minute
		due := c.AddWorkingHours(from, h)
		if got := c.WorkingDuration(from, due); got != h {
			t.Fatalf("from %s, %s of work ends %s, but WorkingDuration counts %s", from, h, due, got)
		}
		if h > 0 && !c.IsWorkingDay(DateOf(due)) {
			t.Fatalf("from %s, %s of work ends %s, not a working day", from, h, due)
		}
	}
}

func TestDeadlineStopsTheClockDuringPauses(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		d := randomDate(r)
		c := randomCalendar(t, r, d)
		start := randomInstant(r, d)
		var ps []Pause
		for range r.IntN(5) {
			from := start.Add(time.Duration(r.IntN(60*24*30)) * time.Minute)
			ps = append(ps, Pause{from, from.Add(time.Duration(r.IntN(60*24*10)) * time.Minute)})
		}
		n := 1 + r.IntN(100)
		due := c.Deadline(start, n, WorkingHours, ps)
		if got := c.WorkingDuration(start, due, ps...); got != time.Duration(n)*time.Hour {
			t.Fatalf("from %s, %d h with pauses %v: due %s, but %s of running time", start, n, ps, due, got)
		}
		if plain := c.Deadline(start, n, WorkingHours, nil); due.Before(plain) {
			t.Fatalf("pauses brought the deadline forward: %s before %s", due, plain)
		}
		days := c.Deadline(start, n, WorkingDays, ps)
		if plain := c.Deadline(start, n, WorkingDays, nil); days.Before(plain) {
			t.Fatalf("pauses brought a deadline in days forward: %s before %s", days, plain)
		}
	}
}

// Without pauses, a deadline in working days is the close of the day
// AddWorkingDays gives, from the start's day if it had begun, else from
// the day before.
func TestDeadlineInDaysMatchesAddWorkingDays(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		d := randomDate(r)
		c := randomCalendar(t, r, d)
		start := randomInstant(r, d)
		n := 1 + r.IntN(60)
		from := d.AddDays(-1)
		if rs := c.week[d.Weekday()]; c.IsWorkingDay(d) && start.After(d.At(0, rs[0].Start)) {
			from = d
		}
		want := c.AddWorkingDays(from, n)
		rs := c.week[want.Weekday()]
		if got := c.Deadline(start, n, WorkingDays, nil); !got.Equal(want.At(0, rs[len(rs)-1].End)) {
			t.Fatalf("from %s, %d working days: %s, want the close of %s", start, n, got, want)
		}
	}
}

func TestImplicitDecisionNeverEndsOnADayOff(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		receipt := randomDate(r)
		am := r.IntN(2) == 0
		c, _ := New(StandardWeek, nil, am)
		delay := Delay{1 + r.IntN(90), DelayUnits[r.IntN(3)]}
		d := c.ImplicitDecision(receipt, delay, nil)
		if wd := d.LastDay.Weekday(); wd == time.Saturday || wd == time.Sunday || HolidayName(d.LastDay, am) != "" {
			t.Fatalf("%s + %s ends on %s, a day off", receipt, delay.French(), d.LastDay.FrenchLong())
		}
		if days := receipt.DaysUntil(d.LastDay); days < delay.N {
			t.Fatalf("%s + %s ends on %s, only %d days later", receipt, delay.French(), d.LastDay, days)
		}
	}
}
