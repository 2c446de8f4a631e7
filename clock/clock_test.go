package clock_test

import (
	"sync"
	"testing"
	"time"

	"guichet/clock"
)

func TestZeroClockIsTheSystemClock(t *testing.T) {
	var c clock.Clock
	before := time.Now()
	if now := c.Now(); now.Before(before) {
		t.Fatalf("zero clock says %v, before %v", now, before)
	}
}

func TestFakeMovesOnlyWhenTold(t *testing.T) {
	t0 := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	f := clock.NewFake(t0)
	c := f.Clock()
	if got := c.Now(); !got.Equal(t0) {
		t.Fatalf("fake says %v, want %v", got, t0)
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); f.Advance(time.Hour) }()
	}
	wg.Wait()
	if got := c.Now(); !got.Equal(t0.Add(10 * time.Hour)) {
		t.Fatalf("after ten hours: %v", got)
	}
	f.Set(t0)
	if got := c.Now(); !got.Equal(t0) {
		t.Fatalf("after Set: %v", got)
	}
}
