// Package clock is the one source of the current time: the application is
// given one Clock (the system's in production) and every rule that depends
// on time (link expiry, sessions, throttling, leases, reminders, archiving)
// reads it, so that a test moves time by advancing a Fake instead of
// sleeping or rewriting rows.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time. The zero value (nil) is the system clock, so that a
// struct built without one behaves as in production.
type Clock func() time.Time

// System is the real clock.
var System Clock = time.Now

// Now is the current time.
func (c Clock) Now() time.Time {
	if c == nil {
		return time.Now()
	}
	return c()
}

// Fake is a clock that only moves when told, safe for concurrent use.
type Fake struct {
	mu  sync.Mutex
	now time.Time
}

// NewFake is a fake clock showing t.
func NewFake(t time.Time) *Fake { return &Fake{now: t} }

// Now is the fake's current time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the fake's time forward by d.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// Set moves the fake's time to t.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = t
}

// Clock is the fake as a Clock, to inject.
func (f *Fake) Clock() Clock { return f.Now }
