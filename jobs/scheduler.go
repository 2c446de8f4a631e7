package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"guichet/clock"
	"guichet/metrics"
)

// MailJob is the name of the outbox worker's job.
const MailJob = "mail"

// Scheduler runs the application's named jobs, each every so often by its
// Clock, and one at a time per job: the outbox worker (MailJob, woken by
// Wake after a commit that enqueued mail) and the periodic work. The
// application registers them in one place (app.New); serve starts Run once;
// a test advances a fake clock and calls RunDue.
type Scheduler struct {
	Clock   clock.Clock
	Log     *slog.Logger
	Metrics *metrics.Metrics // counts the failed runs

	mu      sync.Mutex
	jobs    []*job
	wake    chan struct{}
	running bool // Run is under way
}

// JobFunc does one run of a job at now and tells how many things it did.
type JobFunc func(ctx context.Context, now time.Time) (int, error)

type job struct {
	name    string
	every   time.Duration
	run     JobFunc
	next    time.Time // zero: due at once
	running bool
	woken   bool // Wake called: due again as soon as it is free
}

// Add registers a job run at once, then every interval after each start.
func (s *Scheduler) Add(name string, every time.Duration, run JobFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs = append(s.jobs, &job{name: name, every: every, run: run})
}

// Names lists the registered jobs, in registration order.
func (s *Scheduler) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, j := range s.jobs {
		out = append(out, j.name)
	}
	return out
}

// Wake makes the named job due now (or again right after the run under
// way) and wakes Run.
func (s *Scheduler) Wake(name string) {
	s.mu.Lock()
	for _, j := range s.jobs {
		if j.name == name {
			j.woken = true
		}
	}
	s.mu.Unlock()
	s.poke()
}

func (s *Scheduler) poke() {
	s.mu.Lock()
	if s.wake == nil {
		s.wake = make(chan struct{}, 1)
	}
	w := s.wake
	s.mu.Unlock()
	select {
	case w <- struct{}{}:
	default:
	}
}

// Ran is what one run of a job did.
type Ran struct {
	N   int
	Err error
}

// RunDue runs every job due at the clock's now (each in its own goroutine,
// a job still running from before is left alone) and returns, once they
// end, what each did by name.
func (s *Scheduler) RunDue(ctx context.Context) map[string]Ran {
	ran := map[string]Ran{}
	var mu sync.Mutex
	s.startDue(ctx, func(name string, r Ran) { mu.Lock(); ran[name] = r; mu.Unlock() }).Wait()
	return ran
}

// Running tells whether Run is under way (the readiness check asks it).
func (s *Scheduler) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

func (s *Scheduler) setRunning(on bool) {
	s.mu.Lock()
	s.running = on
	s.mu.Unlock()
}

// Run runs the jobs as they fall due until ctx ends; then it starts no
// more and returns once the runs under way have ended. They run on a
// context that ctx's end does not cancel, so that a mail being sent or a
// batch being archived at shutdown is finished, not cut off.
func (s *Scheduler) Run(ctx context.Context) {
	s.poke() // makes the wake channel
	s.setRunning(true)
	defer s.setRunning(false)
	work := context.WithoutCancel(ctx)
	var all sync.WaitGroup
	defer all.Wait()
	for {
		started := s.startDue(work, nil)
		all.Add(1)
		go func() { started.Wait(); all.Done() }()
		wait, ok := s.untilNext()
		if !ok {
			wait = time.Hour // every job is running: each pokes when it ends
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		case <-s.wake:
			timer.Stop()
		}
	}
}

// startDue starts the jobs due now; each tells done, if set, what it did.
func (s *Scheduler) startDue(ctx context.Context, done func(string, Ran)) *sync.WaitGroup {
	var wg sync.WaitGroup
	now := s.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.jobs {
		if j.running || (!j.woken && now.Before(j.next)) {
			continue
		}
		j.running, j.woken, j.next = true, false, now.Add(j.every)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.runOne(ctx, j, now)
			if done != nil {
				done(j.name, r)
			}
		}()
	}
	return &wg
}

func (s *Scheduler) runOne(ctx context.Context, j *job, now time.Time) Ran {
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	n, err := j.run(ctx, now)
	switch {
	case err != nil && ctx.Err() == nil:
		log.Error(j.name, "err", err)
		s.Metrics.JobFailed(j.name)
	case n > 0:
		log.Info(j.name, "count", n)
	}
	s.mu.Lock()
	j.running = false
	s.mu.Unlock()
	s.poke()
	return Ran{N: n, Err: err}
}

// untilNext is the wait before the next job that is not running falls due.
func (s *Scheduler) untilNext() (time.Duration, bool) {
	now := s.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var wait time.Duration
	found := false
	for _, j := range s.jobs {
		if j.running {
			continue
		}
		d := max(j.next.Sub(now), 0)
		if j.woken {
			d = 0
		}
		if !found || d < wait {
			wait, found = d, true
		}
	}
	return wait, found
}
