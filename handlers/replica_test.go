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
	"guichet/testdb"
)

// replicaApp is the application on a primary with its database migrated,
// reading from the primary's streaming replica (DATABASE_REPLICA_URL),
// each a server of its own started from the system's binaries: db is the
// primary's database, rep the replica's.
func replicaApp(t *testing.T) (a *app, standby *pgcluster.Cluster, db, rep *bun.DB) {
	t.Helper()
	ctx := context.Background()
	primary := testdb.Cluster(t, "guichet")
	db, err := models.Open(primary.AdminDSN("guichet"))
	fixture.Must(t, err)
	t.Cleanup(func() { db.Close() })
	fixture.Must(t, migrations.Migrate(ctx, db))
	standby, err = pgcluster.StartReplica(ctx, primary, "")
	fixture.Must(t, err)
	t.Cleanup(func() { standby.Stop() })
	cfg := fixture.Config(t)
	cfg.DatabaseReplicaURL = standby.AdminDSN("guichet")
	a = newAppOn(t, db, cfg)
	return a, standby, db, a.App.Reads.Replica
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
	a, standby, db, rep := replicaApp(t)

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

// A service's board reads from the replica too; once the service has acted
// from its browser, its board is the primary's, which no longer lists the
// demand it decided, until the replica has replayed the decision.
func TestServiceBoardReadsFromTheReplicaButNeverHidesTheServicesOwnWrite(t *testing.T) {
	ctx := context.Background()
	a, _, db, rep := replicaApp(t)

	seen := a.DemandAt(t, fixture.AtTransferred)
	u, _, err := a.Notifier.BoardURL(a.Commune, a.Voirie)
	fixture.Must(t, err)
	board := pathOf(t, u)
	replayed(t, db, rep, "pg_last_wal_replay_lsn")
	_, err = rep.ExecContext(ctx, "SELECT pg_wal_replay_pause()")
	fixture.Must(t, err)
	paused(t, rep)
	hidden := a.DemandAt(t, fixture.AtTransferred) // transferred since

	svc := a.client()
	r := svc.get(board)
	mustStatus(t, r, http.StatusOK)
	if refs := boardRefs(r, 0); !slices.Equal(refs, []string{seen.Reference}) {
		t.Fatalf("the board did not come from the paused replica: %v (seen %s, transferred since %s)\n%s", refs, seen.Reference, hidden.Reference, text(r))
	}
	link, _ := r.Doc.Find("main table tbody a").First().Attr("href")
	if res := svc.act(link, "acceptation", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept from the board's link: %d %s", res.StatusCode, text(res))
	}
	if refs := boardRefs(svc.get(board), 0); !slices.Equal(refs, []string{hidden.Reference}) {
		t.Fatalf("after the service's decision, its board is not the primary's: %v (accepted %s, to handle %s)", refs, seen.Reference, hidden.Reference)
	}
	// Another browser of the service, which wrote nothing, reads the replica.
	if refs := boardRefs(a.client().get(board), 0); !slices.Equal(refs, []string{seen.Reference}) {
		t.Fatalf("a browser that wrote nothing did not read the replica: %v", refs)
	}
}
