package testdb

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"guichet/models"
	"guichet/pgcluster"
)

// Cluster starts a PostgreSQL server of the test's own, not New's shared
// one, holding an empty database dbname, and stops it when the test ends:
// for what needs the server itself (a replica streaming from it, a pooler
// on its socket) or counts what is held server-wide.
func Cluster(tb testing.TB, dbname string) *pgcluster.Cluster {
	tb.Helper()
	c, err := pgcluster.Start(context.Background(), "")
	if err != nil {
		tb.Fatalf("testdb: %v", err)
	}
	tb.Cleanup(func() { c.Stop() })
	admin, err := models.Open(c.DSN)
	if err != nil {
		tb.Fatalf("testdb: %v", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+ident(dbname)); err != nil {
		tb.Fatalf("testdb: create database %s: %v", dbname, err)
	}
	return c
}

// Pooled is an empty database, "pooled", on a Cluster of the test's own,
// behind the system's PgBouncer in transaction pooling mode (the cluster's,
// scripts/cluster.sh): DSN goes through the pooler, RestartOnline and Crash
// act on it.
type Pooled struct {
	*pgcluster.PgBouncer
	// Server is a connection to the server itself, past the pooler, on its
	// maintenance database.
	Server *bun.DB
}

// PgBouncer starts a Cluster and PgBouncer in front of it, lending at most
// poolSize server connections; both are stopped when the test ends.
func PgBouncer(tb testing.TB, poolSize int) *Pooled {
	tb.Helper()
	c := Cluster(tb, "pooled")
	server, err := models.Open(c.DSN)
	if err != nil {
		tb.Fatalf("testdb: %v", err)
	}
	tb.Cleanup(func() { server.Close() })
	b, err := c.PgBouncer(context.Background(), "pooled", poolSize)
	if err != nil {
		tb.Fatalf("testdb: %v", err)
	}
	tb.Cleanup(func() { b.Stop() })
	return &Pooled{PgBouncer: b, Server: server}
}

// Open connects through the pooler as a server does with
// DATABASE_POOLING=transaction; the connection is closed when the test ends.
func (p *Pooled) Open(tb testing.TB) *bun.DB {
	tb.Helper()
	db, err := models.OpenTransactionPooled(p.DSN)
	if err != nil {
		tb.Fatalf("testdb: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
