package bench

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Result is one line of the results table.
type Result struct {
	Name          string
	N             int // operations measured
	P50, P95, P99 time.Duration
	PerSec        float64 // throughput, operations per second
	Note          string
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

func summarize(name string, lat []time.Duration, elapsed time.Duration) Result {
	slices.Sort(lat)
	return Result{Name: name, N: len(lat), P50: percentile(lat, 0.50), P95: percentile(lat, 0.95),
		P99: percentile(lat, 0.99), PerSec: float64(len(lat)) / elapsed.Seconds()}
}

// latency runs fn one call at a time for about d (at least 20 calls, after
// 5 unmeasured warm-up calls) and summarizes the call times.
func latency(ctx context.Context, name string, d time.Duration, fn func(ctx context.Context, i int) error) (Result, error) {
	for i := range 5 {
		if err := fn(ctx, i); err != nil {
			return Result{}, fmt.Errorf("%s: %w", name, err)
		}
	}
	var lat []time.Duration
	start := time.Now()
	for i := 0; time.Since(start) < d || len(lat) < 20; i++ {
		t := time.Now()
		if err := fn(ctx, i); err != nil {
			return Result{}, fmt.Errorf("%s: %w", name, err)
		}
		lat = append(lat, time.Since(t))
	}
	return summarize(name, lat, time.Since(start)), nil
}

// concurrently runs workers loops of fn for d; fn tells whether its call
// did the work (false: a conflict, counted apart) and only those count in
// the throughput. The latency is the call's, or the part of it that fn
// timed itself (timed > 0).
func concurrently(ctx context.Context, name string, d time.Duration, workers int, fn func(ctx context.Context, worker int) (timed time.Duration, ok bool, err error)) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu        sync.Mutex
		lat       []time.Duration
		conflicts atomic.Int64
		firstErr  error
		wg        sync.WaitGroup
	)
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			var mine []time.Duration
			for ctx.Err() == nil {
				t := time.Now()
				timed, ok, err := fn(ctx, w)
				if ctx.Err() != nil {
					break // cut short by the deadline: neither success nor failure
				}
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, fmt.Errorf("%s: %w", name, err))
					mu.Unlock()
					cancel()
					break
				}
				if timed == 0 {
					timed = time.Since(t)
				}
				if ok {
					mine = append(mine, timed)
				} else {
					conflicts.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if firstErr != nil {
		return Result{}, firstErr
	}
	r := summarize(name, lat, time.Since(start))
	if c := conflicts.Load(); c > 0 {
		r.Note = fmt.Sprintf("%d conflicts (%.0f%% of attempts)", c, 100*float64(c)/float64(c+int64(len(lat))))
	}
	return r, nil
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func ms(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond))
}

// printTable writes results as a Markdown table.
func printTable(w io.Writer, demands int, rs []Result) {
	fmt.Fprintf(w, "\n| measure (%d demands) | n | p50 ms | p95 ms | p99 ms | per second | note |\n", demands)
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---|")
	for _, r := range rs {
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %.0f | %s |\n", r.Name, r.N, ms(r.P50), ms(r.P95), ms(r.P99), r.PerSec, r.Note)
	}
}
