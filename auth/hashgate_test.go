package auth_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"guichet/auth"
)

// slow is a cost that keeps a hash under way long enough for others to
// pile up behind it (tens of milliseconds), in little memory.
var slow = auth.Params{Memory: 8 * 1024, Time: 4, Threads: 1}

// Eight sign-ins at once on a gate of two run two at a time, and all of
// them still verify.
func TestHashesWaitTheirTurn(t *testing.T) {
	ctx := context.Background()
	h, err := auth.HashPassword(ctx, "correct horse battery", slow)
	if err != nil {
		t.Fatal(err)
	}
	peak := auth.HashSlots(t, 2)
	var wg sync.WaitGroup
	oks := make([]bool, 8)
	for i := range oks {
		wg.Go(func() {
			ok, err := auth.CheckPassword(ctx, h, "correct horse battery")
			oks[i] = ok && err == nil
		})
	}
	wg.Wait()
	for i, ok := range oks {
		if !ok {
			t.Errorf("verification %d failed", i)
		}
	}
	if got := peak(); got != 2 {
		t.Errorf("%d verifications under way at once, want 2 (the gate's size, reached with 8 waiting)", got)
	}
}

// A hash on p lanes takes p CPUs of the gate: on two, one runs at a time.
func TestHashWeighsItsLanes(t *testing.T) {
	ctx := context.Background()
	twoLanes := auth.Params{Memory: 8 * 1024, Time: 4, Threads: 2}
	peak := auth.HashSlots(t, 2)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := auth.HashPassword(ctx, "correct horse battery", twoLanes); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := peak(); got != 1 {
		t.Errorf("%d two-lane hashes under way at once on two CPUs, want 1", got)
	}
	if got, want := auth.MaxHashMemory(twoLanes), int64(8<<20); got != want {
		t.Errorf("MaxHashMemory = %d, want %d (one hash of 8 MiB at a time)", got, want)
	}
	if got, want := auth.MaxHashMemory(slow), int64(16<<20); got != want {
		t.Errorf("MaxHashMemory = %d, want %d (two one-lane hashes of 8 MiB)", got, want)
	}
}

// A client who gives up while waiting gets its context's error while the
// hash ahead of it is still under way, and takes no turn.
func TestWaitingHashEndsWithItsContext(t *testing.T) {
	ctx := context.Background()
	h, err := auth.HashPassword(ctx, "correct horse battery", auth.FastParams)
	if err != nil {
		t.Fatal(err)
	}
	long := auth.Params{Memory: 8 * 1024, Time: 200, Threads: 1} // seconds
	peak := auth.HashSlots(t, 1)
	ahead := make(chan struct{})
	go func() {
		defer close(ahead)
		if _, err := auth.HashPassword(ctx, "correct horse battery", long); err != nil {
			t.Error(err)
		}
	}()
	for peak() == 0 { // until the long hash holds the gate
		runtime.Gosched()
	}
	waiting, giveUp := context.WithTimeout(ctx, 20*time.Millisecond)
	defer giveUp()
	if _, err := auth.CheckPassword(waiting, h, "correct horse battery"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	select {
	case <-ahead:
		t.Error("the check given up returned only once the hash ahead had ended")
	default:
	}
	<-ahead
	if got := peak(); got != 1 {
		t.Errorf("%d hashes at once on a gate of one", got)
	}
	// Given up before asking, with the gate free: no hash at all.
	if _, err := auth.CheckPassword(waiting, h, "correct horse battery"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("check with an ended context: err = %v, want context.DeadlineExceeded", err)
	}
}

// A large hash's memory is collected as soon as it ends (a forced
// collection), so that the next one does not allocate beside it; a small
// one is left to the garbage collector's pace.
func TestLargeHashIsCollected(t *testing.T) {
	ctx := context.Background()
	forced := func() uint32 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.NumForcedGC
	}
	before := forced()
	if _, err := auth.HashPassword(ctx, "correct horse battery", auth.FastParams); err != nil {
		t.Fatal(err)
	}
	if got := forced(); got != before {
		t.Errorf("%d forced collections after a hash of 1 MiB, want none", got-before)
	}
	if _, err := auth.HashPassword(ctx, "correct horse battery", auth.Params{Memory: 16 * 1024, Time: 1, Threads: 1}); err != nil {
		t.Fatal(err)
	}
	if got := forced(); got != before+1 {
		t.Errorf("%d forced collections after a hash of 16 MiB, want 1", got-before)
	}
}
