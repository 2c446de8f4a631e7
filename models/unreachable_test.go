package models_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"guichet/apperr"
	"guichet/fixture"
	"guichet/models"
	"guichet/testdb"
)

// The errors pgx hands back when the database cannot be reached, or drops
// the connection, are told apart from bugs and from conflicts between
// transactions, which a retry page must not cover.
func TestUnreachable(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	check := func(what string, err error, want bool) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", what)
		}
		if got := models.Unreachable(err); got != want {
			t.Errorf("%s: Unreachable(%v) = %v, want %v", what, err, got, want)
		}
		if got := models.Unreachable(apperr.Wrap(fmt.Errorf("load the page: %w", err))); got != want {
			t.Errorf("%s, wrapped: %v, want %v", what, got, want)
		}
	}

	// A port nobody listens on: what a crashed PgBouncer's port answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	fixture.Must(t, err)
	closed := ln.Addr().String()
	ln.Close()
	refused, err := models.OpenLater("postgres://guichet@" + closed + "/guichet?sslmode=disable&connect_timeout=5")
	fixture.Must(t, err)
	defer refused.Close()
	check("connection refused", refused.PingContext(ctx), true)

	// The pooler dies under a connection idle in the pool's hands, under a
	// transaction, and under a query running.
	proxy := testdb.NewProxy(t, db)
	through, err := models.Open(proxy.DSN)
	fixture.Must(t, err)
	defer through.Close()
	idle := heldConn(t, through.DB)
	tx, err := through.DB.BeginTx(ctx, nil)
	fixture.Must(t, err)
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, "SELECT 1")
	fixture.Must(t, err)
	check("connection closed under a query", duringQuery(t, db.DB, heldConn(t, through.DB), exec, proxy.Crash), true)
	_, err = idle.ExecContext(ctx, "SELECT 1")
	check("connection closed while idle", err, true)
	_, err = tx.ExecContext(ctx, "SELECT 1")
	check("connection closed under a transaction", err, true)
	// pgx closed that connection: the transaction's next statement (a
	// handler that goes on, or its deferred rollback) meets "conn closed".
	_, err = tx.ExecContext(ctx, "SELECT 1")
	check("the next statement of that transaction", err, true)
	check("new connection while the pooler is down", through.PingContext(ctx), true)
	proxy.Restart()
	check("connection closed while reading rows", duringQuery(t, db.DB, heldConn(t, through.DB), scan, proxy.Crash), true)
	// pgx's own error for a statement on a connection it has closed after
	// the socket went away: the cluster's fault journey met it, bare, on a
	// transition while PgBouncer was killed (a 500 until it was counted).
	closedConn := heldConn(t, db.DB)
	check("a statement on a connection pgx has closed", closedConn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		pc.Close(ctx)
		_, err := pc.Exec(ctx, "SELECT 1")
		return err
	}), true)

	// A backend ended by pg_terminate_backend (or a server shutting down),
	// under a query and while idle.
	terminate := func(b backend) func() {
		return func() {
			var ended bool
			fixture.Must(t, db.DB.QueryRowContext(ctx, "SELECT pg_terminate_backend($1, 10000)", b.pid).Scan(&ended))
			if !ended {
				t.Fatal("the backend was not terminated")
			}
		}
	}
	victim := heldConn(t, db.DB)
	check("backend terminated under a query", duringQuery(t, db.DB, victim, exec, terminate(victim)), true)
	victim = heldConn(t, db.DB)
	terminate(victim)()
	_, err = victim.ExecContext(ctx, "SELECT 1")
	check("backend terminated while idle", err, true)

	// An unknown database is a misconfiguration: no retry mends it.
	proxy.Restart()
	missing, err := url.Parse(proxy.DSN)
	fixture.Must(t, err)
	missing.Path += "_missing"
	wrongDB, err := models.OpenLater(missing.String())
	fixture.Must(t, err)
	defer wrongDB.Close()
	check("unknown database", wrongDB.PingContext(ctx), false)

	// Errors as the server sends them: PgBouncer's own are SQLSTATE 08P01.
	raise := func(state, message string) error {
		_, err := db.DB.ExecContext(ctx, fmt.Sprintf("DO $$ BEGIN RAISE EXCEPTION '%s' USING ERRCODE = '%s'; END $$", message, state))
		return err
	}
	check("PgBouncer's full pool", raise("08P01", "no more connections allowed (max_client_conn)"), true)
	check("PgBouncer's crashed server", raise("08P01", "server conn crashed?"), true)
	check("server starting up", raise("57P03", "the database system is starting up"), true)
	check("serialization failure", raise("40001", "could not serialize access due to concurrent update"), false)
	check("deadlock", raise("40P01", "deadlock detected"), false)
	_, err = db.DB.ExecContext(ctx, "SELECT 1/0")
	check("a bug's division by zero", err, false)
	_, err = db.DB.ExecContext(ctx, "SELEC 1")
	check("a bug's syntax error", err, false)
	check("a plain error", errors.New("nil map"), false)
	check("a timeout of the person's own", context.DeadlineExceeded, false)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = db.DB.ExecContext(canceled, "SELECT 1")
	check("the person left", err, false)
}

// backend is a connection of a pool, held, and its server process.
type backend struct {
	*sql.Conn
	pid int
}

// heldConn is a connection of db's pool, held until the test ends.
func heldConn(t *testing.T, db *sql.DB) backend {
	t.Helper()
	conn, err := db.Conn(context.Background())
	fixture.Must(t, err)
	t.Cleanup(func() { conn.Close() })
	b := backend{Conn: conn}
	fixture.Must(t, conn.QueryRowContext(context.Background(), "SELECT pg_backend_pid()").Scan(&b.pid))
	return b
}

// Two ways a long query runs: a statement as bun sends it, or rows read
// through a prepared statement (models.PreparedMode), whose broken
// connection pgx reports as a bare io.ErrUnexpectedEOF.
var (
	exec = func(b backend) error {
		_, err := b.ExecContext(context.Background(), "SELECT pg_sleep(60)")
		return err
	}
	scan = func(b backend) error {
		var v string
		return b.QueryRowContext(context.Background(), "SELECT pg_sleep(60)::text", pgx.QueryExecModeCacheStatement).Scan(&v)
	}
)

// duringQuery runs a long query on b, does fault once the server runs it
// (watched from db), and returns the query's error.
func duringQuery(t *testing.T, db *sql.DB, b backend, query func(backend) error, fault func()) error {
	t.Helper()
	ctx := context.Background()
	failed := make(chan error, 1)
	go func() { failed <- query(b) }()
	for deadline := time.Now().Add(10 * time.Second); ; {
		var running bool
		fixture.Must(t, db.QueryRowContext(ctx, "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE 'SELECT pg_sleep%')", b.pid).Scan(&running))
		if running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the query does not run")
		}
		time.Sleep(10 * time.Millisecond) // polling the server's state, not moving time
	}
	fault()
	return <-failed
}
