package bench

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/audit"
	"guichet/files"
	"guichet/inbound"
	"guichet/models"
	"guichet/notify"
	"guichet/perm"
	"guichet/workflow"
)

// RunOptions say what to measure and how long.
type RunOptions struct {
	// Duration of each measure.
	Duration time.Duration
	// DSN of the database, for pgbench and the server under load.
	DSN string
	// Guichet is the guichet binary run as the server under load, with
	// ServerMemLimit as its GOMEMLIMIT if set.
	Guichet        string
	ServerMemLimit string
	// Handler is the application in-process, and Engine its workflow
	// engine, wired as the server wires them.
	Handler  http.Handler
	Engine   *workflow.Engine
	Notifier *notify.Notifier
	// AuditKey verifies the history's signed digests.
	AuditKey ed25519.PublicKey
	// Inbound receives the mail of the inbound measures.
	Inbound *inbound.Receiver
	// S3 is the bucket of the FILE_STORE=s3 measures (none: not measured).
	S3 files.S3Config
	// Only runs the measures whose name matches (all when nil).
	Only *regexp.Regexp
	Out  io.Writer
}

// bed is what the measures share: the largest bench commune and samples of
// its data.
type bed struct {
	db      *bun.DB
	o       RunOptions
	commune *models.Commune
	accueil *models.Agent
	// password signs the accueil in: the seed's Password unless set.
	password string
	voirie   *models.Service
	// The load test's citizens submit to another commune, so that the
	// measured one stays as seeded.
	portal  *models.Commune
	report  *models.Procedure // its report of a problem (signalement)
	demands int               // in the whole database
	local   int               // in the commune
	refs    []string
	ids     []int64
	engine  *workflow.Engine
	results []Result
}

// Run measures on a seeded database and prints the results table.
func Run(ctx context.Context, db *bun.DB, o RunOptions) error {
	b := &bed{db: db, o: o}
	if err := b.setup(ctx); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "Measuring on %d demands; commune %q holds %d of them.\n", b.demands, b.commune.Name, b.local)
	steps := []func(context.Context) error{b.handlers, b.inbox, b.dueQueue, b.queries, b.streetSuggestions, b.auditVerify, b.applies, b.routingCost, b.satisfaction, b.pgbench, b.inboundMail, b.inboundMemory, b.fileStores, b.httpLoad,
		b.unprepared, b.articleSearch, b.retentionForecast, b.anonymise, b.retimeJob}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			printTable(o.Out, b.demands, b.results)
			return err
		}
	}
	printTable(o.Out, b.demands, b.results)
	b.machine(ctx)
	return nil
}

func (b *bed) setup(ctx context.Context) error {
	c := new(models.Commune)
	if err := b.db.NewSelect().Model(c).Where("slug = ?", SlugPrefix+"1").Scan(ctx); err != nil {
		return errors.New("no bench data: run `guichet bench seed` first")
	}
	b.commune = c
	b.accueil = new(models.Agent)
	if err := b.db.NewSelect().Model(b.accueil).Relation("Profile").Where("agent.commune_id = ? AND profile.name = ?", c.ID, perm.AccueilProfile).
		Order("agent.id").Limit(1).Scan(ctx); err != nil {
		return err
	}
	b.voirie = new(models.Service)
	if err := b.db.NewSelect().Model(b.voirie).Where("commune_id = ? AND name = 'Voirie'", c.ID).Scan(ctx); err != nil {
		return err
	}
	b.portal, b.report = new(models.Commune), new(models.Procedure)
	if err := b.db.NewSelect().Model(b.portal).Where("slug LIKE ?", SlugPrefix+"%").Order("id DESC").Limit(1).Scan(ctx); err != nil {
		return err
	}
	if err := b.db.NewSelect().Model(b.report).Where("commune_id = ? AND slug = 'signalement-dysfonctionnement'", b.portal.ID).Scan(ctx); err != nil {
		return err
	}
	err := b.db.NewRaw("SELECT count(*), count(*) FILTER (WHERE commune_id = ?) FROM demands", c.ID).Scan(ctx, &b.demands, &b.local)
	if err != nil {
		return err
	}
	err = b.db.NewRaw("SELECT reference, id FROM demands WHERE commune_id = ? AND state <> 'draft' ORDER BY random() LIMIT 500", c.ID).
		Scan(ctx, &b.refs, &b.ids)
	if err != nil {
		return err
	}
	b.engine = b.o.Engine
	return nil
}

func (b *bed) want(name string) bool { return b.o.Only == nil || b.o.Only.MatchString(name) }

func (b *bed) latency(ctx context.Context, name string, fn func(ctx context.Context, i int) error) error {
	if !b.want(name) {
		return nil
	}
	r, err := latency(ctx, name, b.o.Duration, fn)
	if err != nil {
		return err
	}
	b.add(r)
	return nil
}

func (b *bed) add(r Result) {
	b.results = append(b.results, r)
	fmt.Fprintf(b.o.Out, "  %-56s p50 %6s ms  p95 %6s ms  %8.0f/s  %s\n", r.Name, ms(r.P50), ms(r.P95), r.PerSec, r.Note)
}

// searchTerms are what agents type: a surname, a street, a problem, a mix.
var searchTerms = []string{"Dupont", "Lefèvre", "Nguyen", "victor hugo", "lampadaire", "nid-de-poule", "terrasse",
	"poubelles debordent", "Garcia trottoir", "echafaudage", "dépôt sauvage", "Chevalier"}

// auditVerify times `guichet audit verify` on every commune's chain, the
// seeded history and what earlier runs added: once, as the operator runs
// it. The entries pgbench writes are not hashed by Go's digest: after a
// first run, the chain of the measured commune no longer verifies, which
// the note says (the time is still the walk's).
func (b *bed) auditVerify(ctx context.Context) error {
	const name = "audit verify, every commune's chain"
	if !b.want(name) {
		return nil
	}
	start := time.Now()
	rs, err := audit.Verify(ctx, b.db, 0, b.o.AuditKey)
	if err != nil {
		return err
	}
	took := time.Since(start)
	var entries int64
	note := "intact"
	for _, r := range rs {
		entries += r.Entries
		if !r.OK() {
			note = r.Commune.Slug + ": " + r.Problem
		}
	}
	b.add(Result{Name: name, N: 1, P50: took, P95: took, P99: took, PerSec: float64(entries) / took.Seconds(),
		Note: fmt.Sprintf("%d entries, %s", entries, note)})
	return nil
}

// queries measures, at the database only, what opening a demand costs.
func (b *bed) queries(ctx context.Context) error {
	cid := b.commune.ID
	err := b.latency(ctx, "query: demand by reference", func(ctx context.Context, i int) error {
		_, err := models.DemandByReference(ctx, b.db, cid, b.refs[i%len(b.refs)])
		return err
	})
	if err != nil {
		return err
	}
	return b.latency(ctx, "query: agent's demand page data (demand, procedure, files, history)", func(ctx context.Context, i int) error {
		return b.demandPage(ctx, b.ids[i%len(b.ids)])
	})
}

// demandPage reads what the agent's demand page shows.
func (b *bed) demandPage(ctx context.Context, id int64) error {
	cid := b.commune.ID
	d, err := models.DemandByID(ctx, b.db, cid, id)
	if err != nil {
		return err
	}
	if _, err := models.DemandProcedure(ctx, b.db, d); err != nil {
		return err
	}
	if _, err := models.Attachments(ctx, b.db, cid, id); err != nil {
		return err
	}
	_, err = models.History(ctx, b.db, cid, id, false)
	return err
}

// actorFor is who moves d back and forth between the accueil and Voirie:
// the accueil transfers it, the service holding it returns it.
func (b *bed) step(ctx context.Context, d *models.Demand) (*models.Demand, error) {
	if d.State == workflow.Transferred {
		svc, err := models.ServiceByID(ctx, b.db, d.CommuneID, *d.ServiceID)
		if err != nil {
			return nil, err
		}
		return b.engine.Apply(ctx, d.ID, workflow.ReturnToGuichet, workflow.ServiceActor(svc, *d.AssignmentID, ""),
			workflow.Input{Version: d.Version, Message: "Cette demande ne relève pas de notre service."})
	}
	return b.engine.Apply(ctx, d.ID, workflow.Transfer, workflow.AgentActor(b.accueil),
		workflow.Input{Version: d.Version, ServiceID: b.voirie.ID})
}

// pool returns the demands the workflow measures move: open demands of the
// commune that the accueil or Voirie can move, the same ones every run.
func (b *bed) pool(ctx context.Context, n int) ([]int64, error) {
	var ids []int64
	err := b.db.NewRaw(`SELECT id FROM demands WHERE commune_id = ? AND (state IN (?) OR state = ? AND service_id = ?)
		ORDER BY id LIMIT ?`, b.commune.ID, bun.In([]string{workflow.Submitted, workflow.ReturnedToGuichet}),
		workflow.Transferred, b.voirie.ID, n).Scan(ctx, &ids)
	if err == nil && len(ids) < n {
		err = fmt.Errorf("only %d movable demands in the commune, %d needed", len(ids), n)
	}
	return ids, err
}

const hotSet = 2

var concurrency = []int{1, 4, 16}

// applies measures workflow.Apply's throughput, e-mails included: each
// actor moves its own demand (distinct), or all actors fight over a hot set
// of two demands, reading the demand before acting as a person would; a
// stale version is a conflict, not a transition.
func (b *bed) applies(ctx context.Context) error {
	ids, err := b.pool(ctx, 16+hotSet)
	if err != nil {
		return err
	}
	for _, workers := range concurrency {
		name := fmt.Sprintf("workflow.Apply, %d actors, distinct demands", workers)
		if !b.want(name) {
			continue
		}
		cur := make([]*models.Demand, workers)
		for w := range workers {
			if cur[w], err = models.DemandByID(ctx, b.db, b.commune.ID, ids[w]); err != nil {
				return err
			}
		}
		r, err := concurrently(ctx, name, b.o.Duration, workers, func(ctx context.Context, w int) (time.Duration, bool, error) {
			d, err := b.step(ctx, cur[w])
			if err != nil {
				return 0, false, err
			}
			cur[w] = d
			return 0, true, nil
		})
		if err != nil {
			return err
		}
		b.add(r)
	}
	hot := ids[16:]
	for _, workers := range concurrency[1:] {
		name := fmt.Sprintf("workflow.Apply, %d actors, hot set of %d", workers, hotSet)
		if !b.want(name) {
			continue
		}
		r, err := concurrently(ctx, name, b.o.Duration, workers, func(ctx context.Context, w int) (time.Duration, bool, error) {
			d, err := models.DemandByID(ctx, b.db, b.commune.ID, hot[rand.IntN(len(hot))])
			if err != nil {
				return 0, false, err
			}
			_, err = b.step(ctx, d)
			switch apperr.CodeOf(err) {
			case "":
				return 0, true, nil
			case apperr.Conflict, apperr.Forbidden:
				return 0, false, nil
			}
			return 0, false, err
		})
		if err != nil {
			return err
		}
		b.add(r)
	}
	return nil
}

// machine prints what the figures were measured on.
func (b *bed) machine(ctx context.Context) {
	var version, size string
	_ = b.db.NewRaw("SELECT current_setting('server_version'), pg_size_pretty(pg_database_size(current_database()))").Scan(ctx, &version, &size)
	fmt.Fprintf(b.o.Out, "\nMachine: %d CPUs (%s), %s memory; PostgreSQL %s, database %s; %s each measure; %s\n",
		runtime.NumCPU(), cpuModel(), memTotal(), version, size, b.o.Duration, runtime.Version())
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func memTotal() string {
	b, _ := os.ReadFile("/proc/meminfo")
	var kb int64
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "MemTotal:") {
			fmt.Sscanf(strings.TrimPrefix(l, "MemTotal:"), "%d", &kb)
		}
	}
	return fmt.Sprintf("%.1f GB", float64(kb)/(1<<20))
}
