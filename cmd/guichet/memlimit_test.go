package main

import (
	"os"
	"runtime/debug"
	"testing"

	"guichet/auth"
)

// serve sets a soft memory limit and a GOGC of its own unless GOMEMLIMIT
// and GOGC set them.
func TestMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOMEMLIMIT", "") // restored after the test
	t.Setenv("GOGC", "")
	os.Unsetenv("GOMEMLIMIT")
	os.Unsetenv("GOGC")
	want := 48<<20 + auth.MaxHashMemory(auth.DefaultParams)
	if got := setGarbageCollection(auth.DefaultParams); got != want || debug.SetMemoryLimit(-1) != want {
		t.Errorf("limit without GOMEMLIMIT = %d, want %d", got, want)
	}
	if got := debug.SetGCPercent(100); got != 400 {
		t.Errorf("GOGC without GOGC = %d, want 400", got)
	}
	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	setGarbageCollection(auth.DefaultParams)
	if got := debug.SetGCPercent(100); got != 150 {
		t.Errorf("GOGC with GOGC=150 = %d, want 150", got)
	}

	// Set by the environment (applied by the runtime at start): kept.
	t.Setenv("GOMEMLIMIT", "300MiB")
	debug.SetMemoryLimit(300 << 20)
	if got := setGarbageCollection(auth.DefaultParams); got != 300<<20 {
		t.Errorf("limit with GOMEMLIMIT=300MiB = %d, want %d", got, 300<<20)
	}
}
