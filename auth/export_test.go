package auth

import "testing"

// HashSlots gives the test a gate of n CPUs in place of the process's, and
// how many hashes it has seen under way at once.
func HashSlots(tb testing.TB, n int) (peak func() int64) {
	old := hashing
	hashing = newHashGate(n)
	tb.Cleanup(func() { hashing = old })
	g := hashing
	return g.peak.Load
}
