// Package testdb gives each test a database of its own, copied from a
// template migrated once, on DATABASE_URL's server or else on a private
// cluster that lives as long as the test binary.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/uptrace/bun"

	"guichet/migrations"
	"guichet/models"
	"guichet/pgcluster"
)

// templateLockKey serialises template building between test binaries sharing
// a server. It differs from the migrations' key, which they take themselves.
const templateLockKey = 727_274_802

type server struct {
	cluster  *pgcluster.Cluster // nil on DATABASE_URL's server
	dsnFor   func(dbname string) string
	admin    *sql.DB
	template string
}

var (
	mainCalled atomic.Bool
	setupOnce  sync.Once
	srv        *server
	setupErr   error
	dsns       sync.Map // *bun.DB → DSN
)

// Main runs the tests, then stops the private cluster if one was started. Call
// it from each test package's TestMain.
func Main(m *testing.M) {
	mainCalled.Store(true)
	code := m.Run()
	if srv != nil {
		srv.admin.Close()
		if srv.cluster != nil {
			if err := srv.cluster.Stop(); err != nil {
				fmt.Fprintln(os.Stderr, "testdb: stop the private cluster:", err)
				code = max(code, 1)
			}
		}
	}
	os.Exit(code)
}

// New returns a connection to a new database holding the migrated schema and
// no rows. The database is dropped when the test ends.
func New(tb testing.TB) *bun.DB {
	tb.Helper()
	return create(tb, func() string { return srv.template })
}

// Empty returns a connection to a new database holding nothing, not even
// the schema: what a restore starts from. It is dropped when the test ends.
func Empty(tb testing.TB) *bun.DB {
	tb.Helper()
	return create(tb, func() string { return "template0" })
}

// create makes a database from the template, once the server is set up.
func create(tb testing.TB, template func() string) *bun.DB {
	tb.Helper()
	// Without Main, a private cluster would outlive the test binary.
	if !mainCalled.Load() {
		tb.Fatalf("testdb: call testdb.Main(m) from this package's TestMain")
	}
	setupOnce.Do(func() { setupErr = setup() })
	if setupErr != nil {
		tb.Fatalf("testdb: %v", setupErr)
	}
	name := "t" + randomHex()
	stmt := "CREATE DATABASE " + ident(name) + " TEMPLATE " + ident(template())
	if _, err := srv.admin.ExecContext(tb.Context(), stmt); err != nil {
		tb.Fatalf("testdb: %s: %v", stmt, err)
	}
	drop := func() error {
		// FORCE ends sessions the test left open, such as a server's pool.
		_, err := srv.admin.ExecContext(context.Background(), "DROP DATABASE "+ident(name)+" WITH (FORCE)")
		return err
	}
	dsn := srv.dsnFor(name)
	db, err := models.Open(dsn)
	if err != nil {
		drop()
		tb.Fatalf("testdb: %v", err)
	}
	dsns.Store(db, dsn)
	tb.Cleanup(func() {
		dsns.Delete(db)
		db.Close()
		if err := drop(); err != nil {
			tb.Errorf("testdb: drop database %s: %v", name, err)
		}
	})
	return db
}

// DSN returns the DSN of the database behind db, which New returned, for
// tests that open other connections to it.
func DSN(tb testing.TB, db *bun.DB) string {
	tb.Helper()
	dsn, ok := dsns.Load(db)
	if !ok {
		tb.Fatalf("testdb.DSN: this database does not come from testdb.New, or its test has ended")
	}
	return dsn.(string)
}

func setup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s := &server{template: "guichet_template_" + migrations.Fingerprint()}
	base := os.Getenv("DATABASE_URL")
	if base != "" {
		s.dsnFor = func(dbname string) string { return withDatabase(base, dbname) }
	} else {
		c, err := pgcluster.Start(ctx, "")
		if err != nil {
			return err
		}
		s.cluster, s.dsnFor, base = c, c.AdminDSN, c.DSN
	}
	var err error
	if s.admin, err = sql.Open("pgx", base); err != nil {
		return err
	}
	// Main stops what was started even if the template cannot be built.
	srv = s
	return s.ensureTemplate(ctx)
}

// ensureTemplate builds the template unless a test binary, now or earlier,
// built it already for the same migrations.
func (s *server) ensureTemplate(ctx context.Context) error {
	conn, err := s.admin.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect to the server: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", templateLockKey); err != nil {
		return fmt.Errorf("lock the template: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", templateLockKey)

	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", s.template).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	// The template is built under another name and renamed once migrated, so
	// that a binary dying half-way never leaves a half-built template.
	build := s.template + "_build"
	for _, stmt := range []string{
		"DROP DATABASE IF EXISTS " + ident(build) + " WITH (FORCE)",
		"CREATE DATABASE " + ident(build),
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	db, err := models.Open(s.dsnFor(build))
	if err != nil {
		return err
	}
	err = migrations.Migrate(ctx, db)
	// A database is copied only while nobody is connected to it.
	db.Close()
	if err != nil {
		return fmt.Errorf("migrate the template: %w", err)
	}
	for _, stmt := range []string{
		"ALTER DATABASE " + ident(build) + " RENAME TO " + ident(s.template),
		"ALTER DATABASE " + ident(s.template) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return nil
}

// MaintenanceDSN is DSN's server, on its maintenance database (postgres):
// for what cannot be done connected to db itself (ALTER DATABASE … WITH
// ALLOW_CONNECTIONS false).
func MaintenanceDSN(tb testing.TB, db *bun.DB) string {
	tb.Helper()
	return withDatabase(DSN(tb, db), "postgres")
}

// withDatabase points dsn, a URL or keyword/value DSN, at database dbname.
func withDatabase(dsn, dbname string) string {
	u, err := url.Parse(dsn)
	if err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path, u.RawPath = "/"+dbname, ""
		return u.String()
	}
	// In keyword/value form the last value of a keyword wins.
	return dsn + " dbname=" + dbname
}

func ident(name string) string {
	return pgx.Identifier{name}.Sanitize()
}

// randomHex keeps database names unique across test binaries sharing a
// server.
func randomHex() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
