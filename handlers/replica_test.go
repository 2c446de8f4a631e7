package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/fixture"
	"guichet/migrations"
	"guichet/models"
	"guichet/pgcluster"
	"guichet/replica"
)

// streaming is a primary with a database migrated, and its streaming
// replica, each a server of its own started from the system's binaries.
func streaming(t *testing.T) (primary, standby *pgcluster.Cluster, db *bun.DB) {
	t.Helper()
	ctx := context.Background()
	primary, err := pgcluster.Start(ctx, "")
	fixture.Must(t, err)
	t.Cleanup(func() { primary.Stop() })
	admin, err := models.Open(primary.DSN)
	fixture.Must(t, err)
	_, err = admin.ExecContext(ctx, "CREATE DATABASE guichet")
	admin.Close()
	fixture.Must(t, err)
	db, err = models.Open(primary.AdminDSN("guichet"))
	fixture.Must(t, err)
	t.Cleanup(func() { db.Close() })
	fixture.Must(t, migrations.Migrate(ctx, db))
	standby, err = pgcluster.StartReplica(ctx, primary, "")
	fixture.Must(t, err)
	t.Cleanup(func() { standby.Stop() })
	return primary, standby, db
}

// replayed waits until the replica has replayed what the primary wrote so
// far (column pg_last_wal_replay_lsn), or received it (pg_last_wal_receive_lsn).
// It waits for the other server's work, not for time to pass.
func replayed(t *testing.T, db, rep *bun.DB, column string) {
	t.Helper()
	ctx := context.Background()
	lsn, err := replica.WrittenAt(ctx, db)
	fixture.Must(t, err)
	for deadline := time.Now().Add(30 * time.Second); ; {
		var done bool
		fixture.Must(t, rep.NewRaw("SELECT "+column+"() >= ?::pg_lsn", lsn).Scan(ctx, &done))
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica has not reached %s in 30 s", lsn)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// paused waits until the replica's replay has stopped: pausing is a request
// that replay honours between two records.
func paused(t *testing.T, rep *bun.DB) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; {
		var state string
		fixture.Must(t, rep.NewRaw("SELECT pg_get_wal_replay_pause_state()").Scan(context.Background(), &state))
		if state == "paused" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica's replay is still %s after 30 s", state)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// With DATABASE_REPLICA_URL, the agents' list reads from the replica; an
// agent who just acted reads their own write from the primary until the
// replica has replayed it; a replica too far behind, or stopped, leaves
// every page working from the primary.
func TestListsReadFromTheReplicaButNeverHideTheAgentsOwnWrite(t *testing.T) {
	ctx := context.Background()
	_, standby, db := streaming(t)
	cfg := fixture.Config(t)
	cfg.DatabaseReplicaURL = standby.AdminDSN("guichet")
	a := newAppOn(t, db, cfg)
	rep := a.App.Reads.Replica

	seen := a.DemandAt(t, fixture.AtSubmitted)
	c := a.signIn(a.Accueil)
	sup := a.signIn(a.Supervisor)
	replayed(t, db, rep, "pg_last_wal_replay_lsn")

	// The replica stops replaying: what the primary writes now, it does
	// not show.
	_, err := rep.ExecContext(ctx, "SELECT pg_wal_replay_pause()")
	fixture.Must(t, err)
	paused(t, rep)
	hidden := a.DemandAt(t, fixture.AtSubmitted) // by someone else
	list := c.get("/gestion/")
	mustStatus(t, list, http.StatusOK)
	if refs := rowRefs(list); !slices.Contains(refs, seen.Reference) || slices.Contains(refs, hidden.Reference) {
		t.Fatalf("the list did not come from the paused replica: %v (seen %s, written since %s)", refs, seen.Reference, hidden.Reference)
	}
	// The indicators and an export read there too, read-only as it is.
	mustStatus(t, sup.get("/gestion/supervision/indicateurs"), http.StatusOK)
	if res, body := sup.download("/gestion/supervision/export.csv"); res.StatusCode != http.StatusOK || !strings.Contains(string(body), seen.Reference) || strings.Contains(string(body), hidden.Reference) {
		t.Fatalf("export from the replica: %d %s", res.StatusCode, body)
	}

	// The agent accepts a demand: the next page is the primary's, which
	// shows it accepted, and what the others wrote meanwhile.
	action, form := actionForm(t, c.get("/gestion/demandes/"+itoa(seen.ID)), "accepter")
	form.Set("confirmer", "oui")
	list = c.follow(c.post(action, form))
	mustContain(t, list, "Demande acceptée")
	list = c.get("/gestion/")
	if refs := rowRefs(list); slices.Contains(refs, seen.Reference) || !slices.Contains(refs, hidden.Reference) {
		t.Fatalf("after the agent's transition, the list is not the primary's: %v", refs)
	}
	// Another agent, who wrote nothing, still reads the replica.
	if refs := rowRefs(sup.get("/gestion/")); !slices.Contains(refs, seen.Reference) {
		t.Fatalf("the supervisor's list did not come from the replica: %v", refs)
	}

	// Behind by more than the threshold: the primary answers.
	replayed(t, db, rep, "pg_last_wal_receive_lsn")
	strict := &replica.Reader{Primary: db, Replica: rep, MaxLag: time.Nanosecond, Clock: a.App.Clock}
	if strict.For(ctx, "") != db {
		t.Fatal("a replica behind its threshold was read from")
	}

	// Replaying again, it has the agent's write: the agent reads it there.
	_, err = rep.ExecContext(ctx, "SELECT pg_wal_replay_resume()")
	fixture.Must(t, err)
	replayed(t, db, rep, "pg_last_wal_replay_lsn")
	u := c.hc.Jar.Cookies(mustURL(t, a.URL))
	wrote := ""
	for _, k := range u {
		if k.Name == "guichet_ecrit" {
			wrote = k.Value
		}
	}
	if wrote == "" || a.App.Reads.For(ctx, wrote) != rep {
		t.Fatalf("caught up, the replica is not read from (cookie %q)", wrote)
	}

	// The replica stops: every page works, from the primary.
	fixture.Must(t, standby.Stop())
	list = sup.get("/gestion/")
	mustStatus(t, list, http.StatusOK)
	if refs := rowRefs(list); slices.Contains(refs, seen.Reference) || !slices.Contains(refs, hidden.Reference) {
		t.Fatalf("with the replica stopped, the list is not the primary's: %v", refs)
	}
	mustStatus(t, sup.get("/gestion/supervision/indicateurs"), http.StatusOK)

	// The operator sees where the reads went.
	rec := httptest.NewRecorder()
	a.App.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, want := range []string{`guichet_replica_reads_total{to="replica"}`, `guichet_replica_reads_total{to="own_write"}`,
		`guichet_replica_reads_total{to="down"}`, "guichet_replica_replay_lag_seconds"} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
