package calendar

import (
	"testing"
	"time"
)

// benchCalendar is a commune in Alsace-Moselle with a summer and a year-end
// closure, and a start on 5 Jan 2026 at 10:00.
func benchCalendar(b *testing.B) (Calendar, time.Time) {
	c, err := New(StandardWeek, append(summer2026, yearEnd2026...), true)
	if err != nil {
		b.Fatal(err)
	}
	return c, D(2026, 1, 5).At(10, 0)
}

// yearOfHours is about a year of working hours: 225 working days of 7 h.
const yearOfHours = 225 * 7

func BenchmarkAddWorkingHoursOverAYear(b *testing.B) {
	c, start := benchCalendar(b)
	for b.Loop() {
		c.AddWorkingHours(start, yearOfHours*time.Hour)
	}
}

// fortnightlyPauses are 26 waits for the citizen of two days and a half,
// one every two weeks of the year.
func fortnightlyPauses(start time.Time) []Pause {
	var ps []Pause
	for i := range 26 {
		from := start.AddDate(0, 0, 14*i+3)
		ps = append(ps, Pause{from, from.Add(60 * time.Hour)})
	}
	return ps
}

func BenchmarkDeadlineHoursOverAYearWithPauses(b *testing.B) {
	c, start := benchCalendar(b)
	ps := fortnightlyPauses(start)
	for b.Loop() {
		c.Deadline(start, yearOfHours, WorkingHours, ps)
	}
}

func BenchmarkDeadlineDaysOverAYearWithPauses(b *testing.B) {
	c, start := benchCalendar(b)
	ps := fortnightlyPauses(start)
	for b.Loop() {
		c.Deadline(start, 200, WorkingDays, ps)
	}
}

func BenchmarkImplicitDecision(b *testing.B) {
	c, start := benchCalendar(b)
	ks := []Correction{{D(2026, 1, 10), D(2026, 1, 20)}, {D(2026, 2, 1), D(2026, 2, 3)}}
	for b.Loop() {
		c.ImplicitDecision(DateOf(start), DefaultDelay, ks)
	}
}
