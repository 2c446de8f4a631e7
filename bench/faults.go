package bench

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"guichet/demo"
	"guichet/files"
	"guichet/models"
	"guichet/workflow"
)

// FaultOptions say where the cluster of scripts/cluster.sh is and how to
// hurt it.
type FaultOptions struct {
	URL string  // HAProxy's address
	DB  *bun.DB // the primary, directly: what the cluster kept
	// Files is the servers' upload store, where every acknowledged upload
	// must be.
	Files *files.Store
	// Script runs the cluster's fault steps (scripts/cluster.sh).
	Script string
	// Workers journeys run at once; Step is the time between two faults.
	Workers int
	Step    time.Duration
	Out     io.Writer
}

// The faults, in order, each Step after the previous one; the journeys run
// through all of them.
var faultSteps = []struct{ name, command string }{
	{"steady", ""},
	{"serve 2 killed (kill -9)", "kill-serve 2"},
	{"serve 2 restarted", "start-serve 2"},
	{"replica stopped", "stop-replica"},
	{"replica restarted", "start-replica"},
	// The operator's restart: online, the sockets handed to the new process.
	{"PgBouncer restarted (-R)", "restart-pgbouncer"},
	// A crash: every connection through it ends; it is started again at once.
	{"PgBouncer killed, restarted", "kill-pgbouncer"},
}

// phaseCounts are what the people saw during one fault step.
type phaseCounts struct {
	journeys, completed atomic.Int64
	requests            atomic.Int64
	errors              atomic.Int64 // a request answered by an error or not at all: the person saw it
	retryPages          atomic.Int64 // of which the servers' 503 asking to retry in a few seconds (the database unreachable)
	failed              atomic.Int64 // still an error after the person's one retry
	mu                  sync.Mutex
	seen                map[string]int // the errors seen, by kind
}

func (p *phaseCounts) saw(req *http.Request, resp *http.Response, retryPage bool, err error) {
	what := req.Method + " " + req.URL.Path
	if i := strings.IndexAny(what[1:], "0123456789"); i >= 0 {
		what = what[:i+1] + "…" // one kind per route, not per demand
	}
	if err != nil {
		what += ": no answer"
	} else {
		what += ": " + resp.Status
	}
	if retryPage {
		what += " (réessayez)"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen == nil {
		p.seen = map[string]int{}
	}
	p.seen[what]++
}

// retryAfter is how long a person takes to send a request again after an
// error page.
const retryAfter = time.Second

// journey is one citizen's demand and the accueil's decision on it, as the
// cluster acknowledged them.
type journey struct {
	email     string
	who       uint64 // the citizen's client address
	photo     []byte
	submitted bool // the confirmation page was shown
	accepted  bool // the accueil's decision was answered by its redirect
}

// Faults drives journeys through HAProxy (a citizen submits a demand with
// a photo, the accueil accepts it, each gets their e-mails) while the
// faults of faultSteps happen, then counts what was lost: acknowledged
// demands, decisions, uploads and mails that the database or the file
// store does not hold. A person retries a failed request once.
func Faults(ctx context.Context, o FaultOptions) error {
	b, err := demoBed(ctx, o.DB)
	if err != nil {
		return err
	}
	phases := make([]phaseCounts, len(faultSteps))
	var phase atomic.Int64
	var mu sync.Mutex
	var done []*journey
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range o.Workers {
		agent := retryingClient(&phase, phases)
		if err := b.httpSignIn(ctx, o.URL, agent); err != nil {
			return fmt.Errorf("the accueil's sign-in: %w", err)
		}
		citizen := retryingClient(&phase, phases)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				p := &phases[phase.Load()]
				p.journeys.Add(1)
				who := rand.Uint64()
				j := &journey{email: fmt.Sprintf("usager.panne.%x@exemple.fr", who), who: who, photo: jpeg(64 << 10)}
				crand.Read(j.photo[16:]) // a file of its own, stored apart from the others
				if b.faultJourney(ctx, o.URL, citizen, agent, j) {
					p.completed.Add(1)
				} else {
					time.Sleep(retryAfter) // who gave up does not start again at once
				}
				mu.Lock()
				done = append(done, j)
				mu.Unlock()
			}
		}()
	}
	fmt.Fprintf(o.Out, "Journeys through %s by %d people at once, a fault every %s:\n", o.URL, o.Workers, o.Step)
	for i, f := range faultSteps {
		phase.Store(int64(i))
		if f.command != "" {
			t := time.Now()
			out, err := exec.CommandContext(ctx, o.Script, strings.Fields(f.command)...).CombinedOutput()
			if err != nil {
				close(stop)
				wg.Wait()
				return fmt.Errorf("%s %s: %w: %s", o.Script, f.command, err, out)
			}
			fmt.Fprintf(o.Out, "  %s (%s, %.1f s)\n", f.name, f.command, time.Since(t).Seconds())
		}
		time.Sleep(o.Step)
	}
	close(stop)
	wg.Wait()
	lost, err := b.lost(ctx, o, done)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "\n  %-28s %9s %9s %9s %15s %14s %13s\n", "step", "journeys", "completed", "requests", "errors seen", "503 réessayez", "after retry")
	for i, f := range faultSteps {
		p := &phases[i]
		fmt.Fprintf(o.Out, "  %-28s %9d %9d %9d %15d %14d %13d\n", f.name, p.journeys.Load(), p.completed.Load(), p.requests.Load(), p.errors.Load(),
			p.retryPages.Load(), p.failed.Load())
		for what, n := range p.seen {
			fmt.Fprintf(o.Out, "      %d × %s\n", n, what)
		}
	}
	fmt.Fprintf(o.Out, "\n  lost: %d demands, %d decisions, %d uploads, %d mails (of %d demands, %d decisions, %d uploads, %d mails acknowledged)\n",
		lost.demands, lost.decisions, lost.uploads, lost.mails, lost.ackDemands, lost.ackDecisions, lost.ackDemands, lost.ackMails)
	if lost.demands+lost.decisions+lost.uploads+lost.mails > 0 {
		return errors.New("the cluster lost what it had acknowledged")
	}
	return nil
}

// demoBed is what the journeys need of the demo commune: its report
// procedure and its accueil.
func demoBed(ctx context.Context, db *bun.DB) (*bed, error) {
	b := &bed{db: db, portal: new(models.Commune), report: new(models.Procedure), accueil: new(models.Agent), password: demo.Password}
	if err := db.NewSelect().Model(b.portal).Where("slug = 'plassans'").Scan(ctx); err != nil {
		return nil, errors.New("no demo commune: start the cluster with scripts/cluster.sh start")
	}
	if err := db.NewSelect().Model(b.report).Where("commune_id = ? AND slug = 'signalement-dysfonctionnement'", b.portal.ID).Scan(ctx); err != nil {
		return nil, err
	}
	if err := db.NewSelect().Model(b.accueil).Where("commune_id = ? AND email = 'agent@plassans.fr'", b.portal.ID).Scan(ctx); err != nil {
		return nil, err
	}
	b.commune = b.portal
	return b, nil
}

var agentVersionRe = regexp.MustCompile(`name="version" value="(\d+)"`)

// faultJourney is one journey; it tells whether every step went through
// (at most one retry each).
func (b *bed) faultJourney(ctx context.Context, base string, citizen, agent *http.Client, j *journey) bool {
	if _, err := b.submitAs(ctx, base, citizen, j.email, j.who, j.photo); err != nil {
		return false
	}
	j.submitted = true
	// The accueil would find it in the dashboard; the journey takes its id
	// from the primary, which no fault touches.
	var id int64
	if err := b.db.NewRaw("SELECT id FROM demands WHERE commune_id = ? AND citizen_email = ?", b.portal.ID, j.email).Scan(ctx, &id); err != nil {
		return false
	}
	page := fmt.Sprintf("%s/gestion/demandes/%d", base, id)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, page, nil)
	resp, err := agent.Do(req)
	if err != nil {
		return false
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := agentVersionRe.FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		return false
	}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, page+"/actions/accepter",
		strings.NewReader(url.Values{"version": {string(m[1])}, "confirmer": {"1"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if do(agent, req, http.StatusSeeOther) != nil {
		return false
	}
	j.accepted = true
	return true
}

type lostCounts struct {
	demands, decisions, uploads, mails int
	ackDemands, ackDecisions, ackMails int
}

// lost counts, once the mail worker has sent what is due, what the cluster
// acknowledged and does not hold: a demand shown as submitted, a decision
// answered by its redirect, the photo of each, the mails each owes the
// citizen (the receipt, the decision), and mail left undelivered.
func (b *bed) lost(ctx context.Context, o FaultOptions, js []*journey) (lostCounts, error) {
	var emails []string
	for _, j := range js {
		emails = append(emails, j.email)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var pending int
		if err := o.DB.NewRaw("SELECT count(*) FROM outbox_mails WHERE recipient IN (?) AND status = 'pending'", bun.In(emails)).Scan(ctx, &pending); err != nil {
			return lostCounts{}, err
		}
		if pending == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	var l lostCounts
	for _, j := range js {
		if !j.submitted {
			continue
		}
		l.ackDemands++
		d := new(models.Demand)
		err := o.DB.NewSelect().Model(d).Where("commune_id = ? AND citizen_email = ?", b.portal.ID, j.email).Scan(ctx)
		if err != nil || d.State == workflow.Draft {
			l.demands++
			l.uploads++
			continue
		}
		if !b.uploadKept(ctx, o, d, j.photo) {
			l.uploads++
		}
		want := 1 // the receipt
		if j.accepted {
			l.ackDecisions++
			want++
			if d.State != workflow.Accepted {
				l.decisions++
			}
		}
		l.ackMails += want
		var delivered int
		if err := o.DB.NewRaw("SELECT count(*) FROM outbox_mails WHERE demand_id = ? AND recipient = ? AND status IN ('sent', 'captured')", d.ID, j.email).
			Scan(ctx, &delivered); err != nil {
			return l, err
		}
		l.mails += max(0, want-delivered)
	}
	return l, nil
}

// uploadKept tells whether the demand's photo is the one sent, whole, in
// the store.
func (b *bed) uploadKept(ctx context.Context, o FaultOptions, d *models.Demand, photo []byte) bool {
	as, err := models.Attachments(ctx, o.DB, d.CommuneID, d.ID)
	sum := sha256.Sum256(photo)
	want := hex.EncodeToString(sum[:])
	if err != nil || len(as) != 1 || as[0].SHA256 != want {
		return false
	}
	f, err := o.Files.Open(ctx, want)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	_, err = io.Copy(h, f)
	return err == nil && hex.EncodeToString(h.Sum(nil)) == want
}

// retryingClient is a person who, shown an error (a 5xx, or no answer at
// all), sends the same request once more; each request is counted in the
// fault step it started in, each error in the step it was seen in (a
// request under way when a fault strikes fails in the fault's step).
func retryingClient(phase *atomic.Int64, phases []phaseCounts) *http.Client {
	c := newClient()
	c.Transport = &retryOnce{next: c.Transport, phase: phase, phases: phases}
	return c
}

type retryOnce struct {
	next   http.RoundTripper
	phase  *atomic.Int64
	phases []phaseCounts
}

func (t *retryOnce) RoundTrip(req *http.Request) (*http.Response, error) {
	t.phases[t.phase.Load()].requests.Add(1)
	resp, err := t.next.RoundTrip(req)
	if err == nil && resp.StatusCode < 500 {
		return resp, nil
	}
	p := &t.phases[t.phase.Load()]
	p.errors.Add(1)
	retryPage := false
	if resp != nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		retryPage = isRetryPage(resp, body)
	}
	if retryPage {
		p.retryPages.Add(1)
	}
	p.saw(req, resp, retryPage, err)
	again := req.Clone(req.Context())
	if req.GetBody != nil {
		if again.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	select {
	case <-time.After(retryAfter):
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	resp, err = t.next.RoundTrip(again)
	if err != nil || resp.StatusCode >= 500 {
		p.failed.Add(1)
	}
	return resp, err
}

// isRetryPage tells whether an answer is the servers' page for a database
// they could not reach (web.Base.Fail), which asks the person to send the
// request again in a few seconds, and not a 500 nor HAProxy's own 503.
func isRetryPage(resp *http.Response, body []byte) bool {
	return resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" &&
		bytes.Contains(body, []byte("Réessayez dans quelques secondes"))
}
