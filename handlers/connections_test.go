package handlers_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

// operator is a connection of its own to the application's database (or
// to its server's maintenance database), as an operator's psql.
func operator(t *testing.T, dsn string) *sql.Conn {
	t.Helper()
	admin, err := models.Open(dsn)
	fixture.Must(t, err)
	t.Cleanup(func() { admin.Close() })
	conn, err := admin.DB.Conn(context.Background())
	fixture.Must(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}

// endConnections ends, as PgBouncer restarting or an operator's
// pg_terminate_backend would, every connection of the application to its
// database db but op, and returns once the server has let them all go.
func endConnections(t *testing.T, op *sql.Conn, db string) {
	t.Helper()
	ctx := context.Background()
	const others = "FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
	// With a timeout, pg_terminate_backend returns once the backend is
	// gone (false if it is still there after 10 s).
	var ended, left int
	fixture.Must(t, op.QueryRowContext(ctx, "SELECT count(*), count(*) FILTER (WHERE NOT pg_terminate_backend(pid, 10000)) "+others, db).Scan(&ended, &left))
	if ended == 0 {
		t.Fatal("the application held no connection")
	}
	if left > 0 {
		t.Fatalf("%d connections still there", left)
	}
}

// When the database ends the connections the application keeps in its
// pool, the next page and the next decision still go through: the pool
// sees that a connection was ended before lending it again, and the query
// runs on a fresh one, never sent twice.
func TestRequestsAfterTheDatabaseEndedThePoolsConnections(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	c := a.signIn(a.Accueil)
	mustStatus(t, c.get("/gestion/"), http.StatusOK)

	op := operator(t, testdb.DSN(t, a.DB))
	var name string
	fixture.Must(t, op.QueryRowContext(context.Background(), "SELECT current_database()").Scan(&name))
	endConnections(t, op, name)
	r := c.get("/gestion/demandes/" + itoa(d.ID))
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, d.Reference)

	endConnections(t, op, name)
	r = c.post("/gestion/demandes/"+itoa(d.ID)+"/actions/accepter", url.Values{"version": {itoa(int64(d.Version))}, "confirmer": {"oui"}})
	mustStatus(t, r, http.StatusSeeOther)
	if got := stateOf(t, a, d); got.State != workflow.Accepted {
		t.Fatalf("state %s", got.State)
	}
}
