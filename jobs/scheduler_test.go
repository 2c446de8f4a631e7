package jobs_test

import (
	"context"
	"testing"
	"time"

	"guichet/clock"
	"guichet/jobs"
)

// TestSchedulerRunsJobsAsTheClockMoves: a job runs at once, then again only
// once its interval has passed on the clock; Wake makes it due at once.
func TestSchedulerRunsJobsAsTheClockMoves(t *testing.T) {
	t0 := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	c := clock.NewFake(t0)
	s := &jobs.Scheduler{Clock: c.Clock()}
	var hourly, daily []time.Time
	s.Add("hourly", time.Hour, func(_ context.Context, now time.Time) (int, error) { hourly = append(hourly, now); return 1, nil })
	s.Add("daily", 24*time.Hour, func(_ context.Context, now time.Time) (int, error) { daily = append(daily, now); return 0, nil })
	ctx := context.Background()

	if ran := s.RunDue(ctx); len(ran) != 2 || ran["hourly"].N != 1 {
		t.Fatalf("first run: %v, want both jobs", ran)
	}
	c.Advance(59 * time.Minute)
	if ran := s.RunDue(ctx); len(ran) != 0 {
		t.Fatalf("before the hour: %v ran", ran)
	}
	c.Advance(time.Minute)
	if ran := s.RunDue(ctx); len(ran) != 1 || len(hourly) != 2 || !hourly[1].Equal(t0.Add(time.Hour)) {
		t.Fatalf("at the hour: %v ran, hourly at %v", ran, hourly)
	}
	s.Wake("daily")
	if ran := s.RunDue(ctx); len(ran) != 1 || len(daily) != 2 {
		t.Fatalf("after Wake: %v ran, daily %d times", ran, len(daily))
	}
	if got := s.Names(); len(got) != 2 || got[0] != "hourly" || got[1] != "daily" {
		t.Fatalf("names %v", got)
	}
}
