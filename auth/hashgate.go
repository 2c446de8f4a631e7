package auth

import (
	"context"
	"runtime"
	"runtime/debug"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// hashing bounds the argon2 computations under way at once in the process.
// Each holds its memory cost (64 MiB in production) until it ends, so a
// storm of n sign-ins would hold n × 64 MiB at once. argon2 is CPU-bound:
// computations beyond the CPUs would only share them, so those wait their
// turn and the throughput stays the same. A computation weighs its
// parallelism, since argon2 runs its lanes on as many goroutines: with two
// CPUs and p=2, one hash runs at a time and uses both.
var hashing = newHashGate(runtime.GOMAXPROCS(0))

type hashGate struct {
	sem  *semaphore.Weighted
	size int64
	// asked counts the computations under way or waiting, running those
	// under way, and peak the most under way at once.
	asked, running, peak atomic.Int64
}

func newHashGate(cpus int) *hashGate {
	size := int64(max(cpus, 1))
	return &hashGate{sem: semaphore.NewWeighted(size), size: size}
}

// weight is what a computation on threads lanes takes of the gate.
func (g *hashGate) weight(threads uint8) int64 { return min(max(int64(threads), 1), g.size) }

// collectAfter is the memory cost (KiB) from which a hash's memory is
// collected as soon as it ends. A hash's blocks are one large allocation,
// garbage when it returns; left to the next collection, the next hash
// allocates its own beside them and a storm holds twice the memory. A
// collection of the rest of the heap (about 10 MB live) costs a
// millisecond where a hash of 64 MiB costs hundreds; tests' small hashes
// skip it.
const collectAfter = 16 * 1024

// run waits for room, then computes a hash of p's costs. A caller whose
// context ends while it waits gives up its turn and gets the context's
// error; a computation started is not interrupted.
func (g *hashGate) run(ctx context.Context, p Params, compute func()) error {
	g.asked.Add(1)
	defer g.asked.Add(-1)
	w := g.weight(p.Threads)
	if err := g.sem.Acquire(ctx, w); err != nil {
		return err
	}
	defer g.sem.Release(w)
	n := g.running.Add(1)
	defer g.running.Add(-1)
	for most := g.peak.Load(); n > most && !g.peak.CompareAndSwap(most, n); most = g.peak.Load() {
	}
	compute()
	switch {
	case p.Memory < collectAfter:
	case g.asked.Load() == 1:
		debug.FreeOSMemory() // the last of a burst: give the memory back now
	default:
		runtime.GC() // before the next hash takes the place
	}
	return nil
}

// MaxHashMemory is the most memory, in bytes, that hashes with p's costs
// hold at once in this process.
func MaxHashMemory(p Params) int64 {
	return hashing.size / hashing.weight(p.Threads) * int64(p.Memory) * 1024
}
