package web

import (
	"testing"

	"guichet/forms"
)

// FuzzParseCursor: whatever the address carries, parseCursor never panics,
// accepts only what PostgreSQL can keep, and reads back what EncodeCursor
// wrote.
func FuzzParseCursor(f *testing.F) {
	for _, s := range []string{"garbage", "", ".", ".12", "AA.3", "YWJj.12", "!!.x", "YWJj.-1", "YWJj.99999999999999999999", EncodeCursor("2026-11-23 10:00:00+00", 42)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cur, ok := parseCursor(s, false)
		if !ok {
			return
		}
		if cur.ID <= 0 || !forms.Storable(cur.Key) {
			t.Fatalf("%q accepted as %+v", s, cur)
		}
		if again, ok := parseCursor(EncodeCursor(cur.Key, cur.ID), true); !ok || again.Key != cur.Key || again.ID != cur.ID || !again.Before {
			t.Fatalf("%+v does not read back: %+v", cur, again)
		}
	})
}
