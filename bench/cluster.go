package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/models"
	"guichet/workflow"
)

// ClusterOptions say where the cluster of scripts/cluster.sh is.
type ClusterOptions struct {
	URL    string  // HAProxy's address
	Direct string  // a serve of its own on the primary, without the pooler
	Pooled string  // one of the servers behind HAProxy, reached directly
	DB     *bun.DB // the primary, directly
	// Script starts and stops the direct serve (scripts/cluster.sh).
	Script   string
	Engine   *workflow.Engine // the service's returns, untimed
	Reads    ReadsOptions     // the list pages, on the primary and on the replica
	Duration time.Duration
	Out      io.Writer
}

// Cluster measures what HAProxy and PgBouncer (transaction pooling, so no
// prepared statement) add: the accueil's dashboard and a transition (a
// transfer, by HTTP) through them, one request at a time, against the same
// request to a server on the primary directly; then the list pages read
// from the replica against the same on the primary (replicaReads). It
// needs the bench seed in the cluster's database (scripts/cluster.sh seed N).
func Cluster(ctx context.Context, o ClusterOptions) error {
	b := &bed{db: o.DB, o: RunOptions{Duration: o.Duration, Out: o.Out, Engine: o.Engine}}
	if err := b.setup(ctx); err != nil {
		return err
	}
	if out, err := exec.CommandContext(ctx, o.Script, "start-direct").CombinedOutput(); err != nil {
		return fmt.Errorf("%s start-direct: %w: %s", o.Script, err, out)
	}
	defer exec.Command(o.Script, "stop-direct").Run()
	fmt.Fprintf(o.Out, "Measuring on %d demands; commune %q holds %d of them; one request at a time, direct and through the cluster in turn.\n",
		b.demands, b.commune.Name, b.local)
	defer func() {
		printTable(o.Out, b.demands, b.results)
		b.machine(ctx)
	}()
	urls := []string{o.Direct, o.Pooled, o.URL}
	agents := make([]*http.Client, len(urls))
	for i, u := range urls {
		agents[i] = newClient()
		if err := b.httpSignIn(ctx, u, agents[i]); err != nil {
			return fmt.Errorf("%s: %w", u, err)
		}
	}
	err := b.interleaved(ctx, "cluster: HTTP dashboard first page", paths, func(ctx context.Context, i int) (time.Duration, error) {
		t := time.Now()
		err := get(ctx, agents[i], urls[i]+"/gestion/", http.StatusOK)
		return time.Since(t), err
	})
	if err != nil {
		return err
	}
	if err := b.replicaReads(ctx, o.Reads); err != nil {
		return err
	}
	// A transfer to Voirie by the accueil, by HTTP, timed; then, untimed,
	// the service returns the demand through the engine, so that the same
	// demands go back and forth and the seed stays as it was.
	ids, err := b.pool(ctx, len(urls))
	if err != nil {
		return err
	}
	return b.interleaved(ctx, "cluster: HTTP transition (transfer)", paths, func(ctx context.Context, i int) (time.Duration, error) {
		d, err := models.DemandByID(ctx, b.db, b.commune.ID, ids[i])
		if err != nil {
			return 0, err
		}
		if d.State == workflow.Transferred {
			if d, err = b.step(ctx, d); err != nil {
				return 0, err
			}
		}
		page := urls[i] + "/gestion/demandes/" + strconv.FormatInt(d.ID, 10)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, page+"/actions/transmettre", strings.NewReader(url.Values{
			"version": {strconv.Itoa(d.Version)}, "service": {strconv.FormatInt(b.voirie.ID, 10)}, "confirmer": {"1"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		t := time.Now()
		err = do(agents[i], req, http.StatusSeeOther)
		return time.Since(t), err
	})
}

// paths are what the cluster measures compare, in the order of urls.
var paths = []string{"direct", "PgBouncer", "HAProxy + PgBouncer"}

// interleaved measures fn on each path in turn (i indexes paths), one
// request at a time, so that whatever else the machine does weighs on all
// alike, and adds a line for each, with its ratio to the first one.
func (b *bed) interleaved(ctx context.Context, name string, paths []string, fn func(ctx context.Context, i int) (time.Duration, error)) error {
	if !slices.ContainsFunc(paths, func(p string) bool { return b.want(name + ", " + p) }) {
		return nil
	}
	lat := make([][]time.Duration, len(paths))
	start := time.Now()
	for n := 0; time.Since(start) < b.o.Duration || n < 25; n++ {
		for i := range lat {
			took, err := fn(ctx, i)
			if err != nil {
				return fmt.Errorf("%s, %s: %w", name, paths[i], err)
			}
			if n >= 5 { // warm-up
				lat[i] = append(lat[i], took)
			}
		}
	}
	elapsed := time.Since(start)
	var direct Result
	for i, p := range paths {
		r := summarize(name+", "+p, lat[i], elapsed)
		r.PerSec = 0 // the paths in turn: no throughput of its own
		if i == 0 {
			direct = r
		} else {
			r.Note = fmt.Sprintf("×%.2f the "+paths[0]+" p50, ×%.2f its p95", float64(r.P50)/float64(direct.P50), float64(r.P95)/float64(direct.P95))
		}
		b.add(r)
	}
	return nil
}

// unprepared measures what a transition costs when its locking query is
// not kept prepared, as behind PgBouncer in transaction pooling
// (DATABASE_POOLING=transaction, models.OpenTransactionPooled): the same
// back-and-forth of one demand, prepared and unprepared in turn, both
// straight to PostgreSQL.
func (b *bed) unprepared(ctx context.Context) error {
	const name = "workflow.Apply, 1 actor"
	if !b.want(name + ", unprepared (transaction pooling)") {
		return nil
	}
	pooled, err := models.OpenTransactionPooled(b.o.DSN)
	if err != nil {
		return err
	}
	defer pooled.Close()
	unprepared := *b.engine
	unprepared.DB = pooled
	engines := []*workflow.Engine{b.engine, &unprepared}
	ids, err := b.pool(ctx, len(engines))
	if err != nil {
		return err
	}
	return b.interleaved(ctx, name, []string{"prepared (direct)", "unprepared (transaction pooling)"}, func(ctx context.Context, i int) (time.Duration, error) {
		d, err := models.DemandByID(ctx, b.db, b.commune.ID, ids[i])
		if err != nil {
			return 0, err
		}
		e := b.engine
		b.engine = engines[i]
		defer func() { b.engine = e }()
		t := time.Now()
		_, err = b.step(ctx, d)
		return time.Since(t), err
	})
}
