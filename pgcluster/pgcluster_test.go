package pgcluster

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func query(t *testing.T, dsn, sql string, dest ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if len(dest) == 0 {
		_, err = conn.Exec(ctx, sql)
	} else {
		err = conn.QueryRow(ctx, sql).Scan(dest...)
	}
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func TestTemporary(t *testing.T) {
	begin := time.Now()
	c, err := Start(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("temporary cluster started in %v", time.Since(begin))
	var one int
	query(t, c.DSN, "SELECT 1", &one)
	if one != 1 {
		t.Errorf("SELECT 1 = %d", one)
	}
	var maxConns string
	query(t, c.AdminDSN("template1"), "SHOW max_connections", &maxConns)
	if maxConns != "200" {
		t.Errorf("max_connections = %s, want 200", maxConns)
	}
	dir := c.tempDir
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still exists after Stop (stat: %v)", dir, err)
	}
}

func TestPersistent(t *testing.T) {
	// A directory below t.TempDir, whose parent is closed to others, also
	// checks that the postgres user is let through when running as root.
	dir := filepath.Join(t.TempDir(), "var", "pg")
	c, err := Start(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	query(t, c.DSN, "CREATE TABLE kept AS SELECT 42 AS n")
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}

	begin := time.Now()
	c, err = Start(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	t.Logf("persistent cluster restarted in %v", time.Since(begin))
	var n int
	query(t, c.DSN, "SELECT n FROM kept", &n)
	if n != 42 {
		t.Errorf("n = %d after restart, want 42", n)
	}
}

func TestStaleServer(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pg")
	crashed, err := Start(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	// The first owner "crashes": its server keeps running.
	c, err := Start(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	defer os.RemoveAll(crashed.sockDir)
	var one int
	query(t, c.DSN, "SELECT 1", &one)
}
