// Package throttle bounds how often something may happen per key (a client
// address, an e-mail address), so that nobody can make the application
// send e-mails in bulk.
package throttle

import (
	"context"
	"sync"
	"time"
)

// Limit allows Max events per key in any window of Per.
type Limit struct {
	Key string
	Max int
	Per time.Duration
}

// Throttle counts events. Allow counts one event on every limit's key when
// none of them is exceeded, and returns nil; otherwise it counts nothing
// and returns the first limit exceeded. Memory is the implementation here;
// one backed by a database table can take its place.
type Throttle interface {
	Allow(ctx context.Context, limits ...Limit) (*Limit, error)
}

// Memory keeps the events of the last window in memory: enough for one
// process; its counts start afresh when the process restarts.
type Memory struct {
	Now func() time.Time // time.Now when nil

	mu     sync.Mutex
	events map[string][]time.Time // per key, oldest first, within the key's window
	calls  int
}

// sweepEvery is how many calls pass between removals of idle keys.
const sweepEvery = 1000

// maxWindow bounds how long an idle key is kept.
const maxWindow = 24 * time.Hour

func (m *Memory) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Allow implements Throttle.
func (m *Memory) Allow(_ context.Context, limits ...Limit) (*Limit, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.events == nil {
		m.events = map[string][]time.Time{}
	}
	now := m.now()
	if m.calls++; m.calls%sweepEvery == 0 {
		m.sweep(now)
	}
	for i, l := range limits {
		m.events[l.Key] = recent(m.events[l.Key], now.Add(-l.Per))
		if len(m.events[l.Key]) >= l.Max {
			return &limits[i], nil
		}
	}
	for _, l := range limits {
		m.events[l.Key] = append(m.events[l.Key], now)
	}
	return nil, nil
}

// recent drops the events at or before since.
func recent(ts []time.Time, since time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(since) {
		i++
	}
	return ts[i:]
}

// sweep forgets keys without an event in the longest window there is.
func (m *Memory) sweep(now time.Time) {
	for k, ts := range m.events {
		if len(ts) == 0 || !ts[len(ts)-1].After(now.Add(-maxWindow)) {
			delete(m.events, k)
		}
	}
}
