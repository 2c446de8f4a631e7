package throttle_test

import (
	"context"
	"testing"
	"time"

	"guichet/throttle"
)

func TestMemory(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	m := &throttle.Memory{Now: func() time.Time { return now }}
	ctx := context.Background()
	mail := throttle.Limit{Key: "email:a@x.test", Max: 2, Per: time.Hour}
	ip := throttle.Limit{Key: "ip:192.0.2.1", Max: 3, Per: time.Hour}
	other := throttle.Limit{Key: "email:b@x.test", Max: 2, Per: time.Hour}

	steps := []struct {
		after  time.Duration
		limits []throttle.Limit
		want   string // key of the limit exceeded, "" when allowed
	}{
		{0, []throttle.Limit{mail, ip}, ""},
		{time.Minute, []throttle.Limit{mail, ip}, ""},
		{time.Minute, []throttle.Limit{mail, ip}, mail.Key}, // third for the address: refused, and not counted
		{time.Minute, []throttle.Limit{other, ip}, ""},      // the address's refusal did not use the IP's room
		{time.Minute, []throttle.Limit{other, ip}, ip.Key},
		{55 * time.Minute, []throttle.Limit{ip, mail}, ip.Key}, // 59 minutes after the first event: still counted
		{time.Minute, []throttle.Limit{mail, ip}, ""},          // an hour after: out of the window
	}
	for i, s := range steps {
		now = now.Add(s.after)
		got, err := m.Allow(ctx, s.limits...)
		if err != nil {
			t.Fatal(err)
		}
		key := ""
		if got != nil {
			key = got.Key
		}
		if key != s.want {
			t.Errorf("step %d: exceeded %q, want %q", i, key, s.want)
		}
	}
}
