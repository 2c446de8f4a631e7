package auth

import (
	"context"
	"runtime"
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
	// running is the number of computations under way, peak the most at once.
	running, peak atomic.Int64
}

func newHashGate(cpus int) *hashGate {
	size := int64(max(cpus, 1))
	return &hashGate{sem: semaphore.NewWeighted(size), size: size}
}

// weight is what a computation on threads lanes takes of the gate.
func (g *hashGate) weight(threads uint8) int64 { return min(max(int64(threads), 1), g.size) }

// run waits for room, then computes. A caller whose context ends while it
// waits gives up its turn and gets the context's error; a computation
// started is not interrupted.
func (g *hashGate) run(ctx context.Context, threads uint8, compute func()) error {
	w := g.weight(threads)
	if err := g.sem.Acquire(ctx, w); err != nil {
		return err
	}
	defer g.sem.Release(w)
	n := g.running.Add(1)
	defer g.running.Add(-1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	compute()
	return nil
}

// MaxHashMemory is the most memory, in bytes, that hashes with p's costs
// hold at once in this process.
func MaxHashMemory(p Params) int64 {
	return hashing.size / hashing.weight(p.Threads) * int64(p.Memory) * 1024
}
