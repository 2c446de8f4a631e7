package main

import (
	"os"
	"runtime/debug"

	"guichet/auth"
)

// servingMemory is the part of the default memory limit for everything but
// password hashing. Serving pages and streamed uploads keeps about 10 MB
// live on the heap, collected at about 25 MB (GOGC=100), 30 to 55 MB
// resident (docs/PERFORMANCE.md); 48 MiB leaves the heap that room, and
// more.
const servingMemory = 48 << 20

// defaultMemoryLimit is the soft memory limit serve gives the Go runtime
// when GOMEMLIMIT sets none: what serving needs plus the most that password
// hashes hold at once (112 MiB with argon2 at 64 MiB on two CPUs). The
// limit is soft: near it the garbage collector works harder and gives
// memory back to the system sooner; it never fails an allocation. Below
// the live heap of a sign-in storm (serving's plus the hashes') it would
// collect without pause exactly when the CPUs are busy hashing, so it is
// not lower; in steady state the heap stays far below it and the collector
// keeps its usual pace.
func defaultMemoryLimit(p auth.Params) int64 {
	return servingMemory + auth.MaxHashMemory(p)
}

// gcPercent is serve's GOGC: the heap may grow to five times what stays
// live before a collection, where Go's default is twice. Requests and
// transitions allocate much and keep little (a transition, 110 KB): at
// four concurrent transitions the collector took a quarter of Apply's CPU,
// and this raised their throughput by 9 % (docs/PERFORMANCE.md). The soft
// memory limit bounds what the heap may grow to.
const gcPercent = 400

// setGarbageCollection applies defaultMemoryLimit unless GOMEMLIMIT is set
// (the runtime has then applied it; "off" for none), and gcPercent unless
// GOGC is set; it returns the memory limit.
func setGarbageCollection(p auth.Params) int64 {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(defaultMemoryLimit(p))
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	return debug.SetMemoryLimit(-1)
}
