package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// PgBouncer is the system's PgBouncer (Debian's package) in front of a
// Cluster, in transaction pooling mode, for the tests of what runs behind
// one (scripts/cluster.sh sets up the cluster's own). It listens on a Unix
// socket only, in a directory of its own.
type PgBouncer struct {
	// DSN connects to the database through the pooler.
	DSN string
	cmd *exec.Cmd
	dir string
	c   *Cluster
	bin string
}

// PgBouncer starts a pooler lending at most poolSize server connections to
// database dbname of c, one transaction at a time.
func (c *Cluster) PgBouncer(ctx context.Context, dbname string, poolSize int) (_ *PgBouncer, err error) {
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		return nil, errors.New("pgbouncer not found: apt-get install pgbouncer")
	}
	b := &PgBouncer{c: c, bin: bin}
	if b.dir, err = os.MkdirTemp("/tmp", "pgb-"); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			b.Stop()
		}
	}()
	const port = 6432
	ini := fmt.Sprintf(`[databases]
%s = host=%s port=%d dbname=%s
[pgbouncer]
listen_addr =
listen_port = %d
unix_socket_dir = %s
auth_type = trust
auth_file = %s
pool_mode = transaction
default_pool_size = %d
max_client_conn = 200
logfile = %s
`, dbname, c.sockDir, c.port, dbname, port, b.dir, filepath.Join(b.dir, "users.txt"), poolSize, filepath.Join(b.dir, "pgbouncer.log"))
	for name, text := range map[string]string{"pgbouncer.ini": ini, "users.txt": `"postgres" ""` + "\n"} {
		if err := os.WriteFile(filepath.Join(b.dir, name), []byte(text), 0o600); err != nil {
			return nil, err
		}
		if err := c.chown(filepath.Join(b.dir, name)); err != nil {
			return nil, err
		}
	}
	if err := c.chown(b.dir); err != nil {
		return nil, err
	}
	q := url.Values{"host": {b.dir}, "port": {strconv.Itoa(port)}, "sslmode": {"disable"}}
	b.DSN = (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/" + dbname, RawQuery: q.Encode()}).String()
	return b, b.start(ctx)
}

// start runs the pooler (with args) and returns once it answers.
func (b *PgBouncer) start(ctx context.Context, args ...string) error {
	// Not CommandContext: the pooler outlives the call, until Stop.
	b.cmd = b.c.command(context.Background(), b.bin, append(args, "-q", filepath.Join(b.dir, "pgbouncer.ini"))...)
	if err := b.cmd.Start(); err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, b.DSN)
		if err == nil {
			return conn.Close(ctx)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgbouncer did not answer: %w\n%s", err, logTail(filepath.Join(b.dir, "pgbouncer.log"), 0))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// RestartOnline restarts the pooler as an operator would (pgbouncer -R):
// the new process takes the old one's listening, client and server
// sockets over the Unix socket, and the old one exits.
func (b *PgBouncer) RestartOnline(ctx context.Context) error {
	old := b.cmd
	if err := b.start(ctx, "-R"); err != nil {
		return err
	}
	old.Wait()
	return nil
}

// Crash kills the pooler (kill -9), every connection through it lost, and
// starts it again at once.
func (b *PgBouncer) Crash(ctx context.Context) error {
	b.cmd.Process.Kill()
	b.cmd.Wait()
	return b.start(ctx)
}

// Stop stops the pooler and removes its directory.
func (b *PgBouncer) Stop() error {
	if b.cmd != nil && b.cmd.Process != nil {
		b.cmd.Process.Kill()
		b.cmd.Wait()
	}
	return os.RemoveAll(b.dir)
}
