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
	// The first user "crashes": the kernel drops its lock, its server keeps
	// running and is restarted by the next one.
	crashed.users.Close()
	c, err := Start(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	defer os.RemoveAll(crashed.sockDir)
	var one int
	query(t, c.DSN, "SELECT 1", &one)
}

// TestPersistentIsPrivateAndDurable: the cluster serve keeps has no TCP
// listener, a socket directory closed to other users, and the durable
// defaults.
func TestPersistentIsPrivateAndDurable(t *testing.T) {
	c, err := Start(t.Context(), filepath.Join(t.TempDir(), "pg"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	for setting, want := range map[string]string{"listen_addresses": "", "synchronous_commit": "on", "fsync": "on", "full_page_writes": "on"} {
		var got string
		query(t, c.DSN, "SHOW "+setting, &got)
		if got != want {
			t.Errorf("%s = %q, want %q", setting, got, want)
		}
	}
	fi, err := os.Stat(c.sockDir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("socket directory %s has mode %v: open to other users", c.sockDir, fi.Mode().Perm())
	}
	var hostRules int
	query(t, c.DSN, "SELECT count(*) FROM pg_hba_file_rules WHERE type LIKE 'host%' AND auth_method <> 'reject'", &hostRules)
	if hostRules != 0 {
		t.Errorf("%d pg_hba rules admit TCP connections", hostRules)
	}
}

// TestSharedServer: a second process on the same directory (an operator
// command while serve runs) uses the running server; whichever leaves first
// leaves it running for the other, the last one stops it.
func TestSharedServer(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pg")
	for _, firstLeaves := range []bool{false, true} {
		a, err := Start(t.Context(), dir)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := pgx.Connect(t.Context(), a.DSN)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Start(t.Context(), dir)
		if err != nil {
			t.Fatal(err)
		}
		if b.DSN != a.DSN {
			t.Errorf("second user connects to %s, the first to %s", b.DSN, a.DSN)
		}
		first, last := b, a
		if firstLeaves {
			first, last = a, b
		}
		if err := first.Stop(); err != nil {
			t.Fatal(err)
		}
		if err := conn.Ping(t.Context()); err != nil {
			t.Fatalf("the server stopped while another user had it: %v", err)
		}
		conn.Close(t.Context())
		if err := last.Stop(); err != nil {
			t.Fatal(err)
		}
		if last.isRunning(t.Context()) {
			t.Fatal("the server still runs after its last user stopped it")
		}
	}
}
