package main

import (
	"os"
	"runtime/debug"
	"testing"

	"guichet/auth"
)

// serve sets a soft memory limit of its own unless GOMEMLIMIT sets one.
func TestMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOMEMLIMIT", "") // restored after the test
	os.Unsetenv("GOMEMLIMIT")
	want := 48<<20 + auth.MaxHashMemory(auth.DefaultParams)
	if got := setMemoryLimit(auth.DefaultParams); got != want || debug.SetMemoryLimit(-1) != want {
		t.Errorf("limit without GOMEMLIMIT = %d, want %d", got, want)
	}

	// Set by the environment (applied by the runtime at start): kept.
	t.Setenv("GOMEMLIMIT", "300MiB")
	debug.SetMemoryLimit(300 << 20)
	if got := setMemoryLimit(auth.DefaultParams); got != 300<<20 {
		t.Errorf("limit with GOMEMLIMIT=300MiB = %d, want %d", got, 300<<20)
	}
}
