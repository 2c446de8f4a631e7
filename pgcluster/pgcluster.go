// Package pgcluster runs a private PostgreSQL server from the system's
// binaries, so that neither the program nor the tests need a database set up
// beforehand.
package pgcluster

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

const notFound = "PostgreSQL server binaries not found (initdb, pg_ctl): install them with `apt-get install postgresql` (Debian/Ubuntu), or set DATABASE_URL"

// Cluster is a running PostgreSQL server.
type Cluster struct {
	// DSN connects to the "postgres" database as the superuser "postgres".
	DSN string

	initdb, pgctl string
	// owner runs the server when this process is root, which initdb refuses.
	owner   *syscall.Credential
	dataDir string
	logPath string
	sockDir string
	tempDir string // removed by Stop; "" for a persistent cluster
	port    int
	running bool
}

// Start starts a cluster whose data lives in dir: created and initialised if
// missing or empty, reused if already initialised, so that data survives
// restarts. If dir is "", the data lives in a temporary directory that Stop
// removes.
func Start(ctx context.Context, dir string) (_ *Cluster, err error) {
	c := &Cluster{}
	if c.initdb, c.pgctl, err = findBinaries(); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		if c.owner, err = postgresUser(); err != nil {
			return nil, err
		}
	}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	if dir == "" {
		if c.tempDir, err = os.MkdirTemp(tempParent(), "guichet-pg-"); err != nil {
			return nil, err
		}
		if err := c.chown(c.tempDir); err != nil {
			return nil, err
		}
		dir = filepath.Join(c.tempDir, "data")
	}
	if c.dataDir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	c.logPath = c.dataDir + ".log"
	if err := c.prepareDir(); err != nil {
		return nil, err
	}
	if err := c.initialise(ctx); err != nil {
		return nil, err
	}
	// Unix socket paths are limited to about 107 bytes, so the socket gets a
	// short directory of its own rather than one next to the data.
	if c.sockDir, err = os.MkdirTemp("/tmp", "pgs-"); err != nil {
		return nil, err
	}
	if err := c.chown(c.sockDir); err != nil {
		return nil, err
	}
	if err := c.stopStale(ctx); err != nil {
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	if err := c.ping(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Stop stops the server (fast shutdown: sessions are disconnected) and
// removes the temporary directories.
func (c *Cluster) Stop() error {
	var err error
	if c.running {
		var out []byte
		out, err = c.command(context.Background(), c.pgctl, "stop", "-D", c.dataDir, "-m", "fast", "-w", "-t", "60").CombinedOutput()
		if err != nil {
			err = fmt.Errorf("pg_ctl stop: %w: %s", err, bytes.TrimSpace(out))
		} else {
			c.running = false
		}
	}
	for _, d := range []string{c.sockDir, c.tempDir} {
		if d != "" {
			err = errors.Join(err, os.RemoveAll(d))
		}
	}
	return err
}

// AdminDSN connects to database dbname on the same server as the superuser.
func (c *Cluster) AdminDSN(dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + dbname,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// tempParent prefers a large enough tmpfs for throw-away data: on disk,
// creating the thousand files of a new database took 250 ms, on tmpfs 15 ms.
// TMPDIR, when set, wins.
func tempParent() string {
	const shm = "/dev/shm"
	var st syscall.Statfs_t
	if os.Getenv("TMPDIR") == "" && syscall.Statfs(shm, &st) == nil && st.Bavail*uint64(st.Bsize) >= 1<<30 {
		return shm
	}
	return ""
}

// findBinaries looks in PATH, then in Debian's versioned directories, newest
// first, since Debian does not put initdb and pg_ctl in PATH.
func findBinaries() (initdb, pgctl string, err error) {
	initdb, err1 := exec.LookPath("initdb")
	pgctl, err2 := exec.LookPath("pg_ctl")
	if err1 == nil && err2 == nil {
		return initdb, pgctl, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(d string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(d)), 64)
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int { return cmp.Compare(version(b), version(a)) })
	for _, d := range dirs {
		initdb, pgctl = filepath.Join(d, "initdb"), filepath.Join(d, "pg_ctl")
		if isFile(initdb) && isFile(pgctl) {
			return initdb, pgctl, nil
		}
	}
	return "", "", errors.New(notFound)
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL must run as the `postgres` system user (initdb refuses root): %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// chown hands path to the server's user when running as root.
func (c *Cluster) chown(path string) error {
	if c.owner == nil {
		return nil
	}
	return os.Chown(path, int(c.owner.Uid), int(c.owner.Gid))
}

// prepareDir creates the data directory and the log file, and makes them
// reachable by the server's user.
func (c *Cluster) prepareDir() error {
	if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
		return err
	}
	if !c.initialised() {
		entries, err := os.ReadDir(c.dataDir)
		if err != nil {
			return err
		}
		if len(entries) > 0 {
			return fmt.Errorf("%s is neither empty nor a PostgreSQL data directory", c.dataDir)
		}
		if err := c.chown(c.dataDir); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	if err := c.chown(c.logPath); err != nil {
		return err
	}
	return c.makeTraversable(filepath.Dir(c.dataDir))
}

// makeTraversable lets the server's user enter every ancestor of the data
// directory: a root-owned 0700 directory on the way (a home directory,
// t.TempDir's parent) would otherwise make the data unreachable. It adds
// o+x only, which lets others enter but not list.
func (c *Cluster) makeTraversable(dir string) error {
	if c.owner == nil {
		return nil
	}
	for {
		fi, err := os.Stat(dir)
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		mode := fi.Mode().Perm()
		ok := mode&0o001 != 0 ||
			st.Uid == c.owner.Uid && mode&0o100 != 0 ||
			st.Gid == c.owner.Gid && mode&0o010 != 0
		if !ok {
			if err := os.Chmod(dir, fi.Mode()|0o001); err != nil {
				return fmt.Errorf("let the postgres user enter %s: %w", dir, err)
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

func (c *Cluster) initialised() bool {
	return isFile(filepath.Join(c.dataDir, "PG_VERSION"))
}

func (c *Cluster) initialise(ctx context.Context) error {
	if c.initialised() {
		return nil
	}
	args := []string{"-D", c.dataDir, "-A", "trust", "-E", "UTF8", "--no-sync", "-U", "postgres"}
	out, err := c.command(ctx, c.initdb, append(args, "--locale=C.UTF-8")...).CombinedOutput()
	// Systems without the C.UTF-8 locale still have C; initdb empties the
	// directory when it fails, so it can run again.
	if err != nil && bytes.Contains(out, []byte("locale")) {
		out, err = c.command(ctx, c.initdb, append(args, "--locale=C")...).CombinedOutput()
	}
	if err != nil {
		return fmt.Errorf("initdb: %w: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// stopStale stops a server that a crashed process left running on a
// persistent directory, so that this process starts one it knows the port of.
func (c *Cluster) stopStale(ctx context.Context) error {
	if !isFile(filepath.Join(c.dataDir, "postmaster.pid")) {
		return nil
	}
	if c.command(ctx, c.pgctl, "status", "-D", c.dataDir).Run() != nil {
		return nil // not running: the server removes a stale pid file itself
	}
	out, err := c.command(ctx, c.pgctl, "stop", "-D", c.dataDir, "-m", "fast", "-w", "-t", "60").CombinedOutput()
	if err != nil {
		return fmt.Errorf("stop the server left running in %s: %w: %s", c.dataDir, err, bytes.TrimSpace(out))
	}
	return nil
}

// start runs the server on a free port. The port is free when chosen but
// another process may take it before the server binds it, so a failure to
// bind is retried with another port.
func (c *Cluster) start(ctx context.Context) error {
	var err error
	for range 3 {
		var logStart int64
		if fi, statErr := os.Stat(c.logPath); statErr == nil {
			logStart = fi.Size()
		}
		if c.port, err = freePort(); err != nil {
			return err
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200 -c synchronous_commit=off", c.port, c.sockDir)
		if c.tempDir != "" {
			// Throw-away data needs no crash safety. Its WAL may be in memory,
			// so it is recycled early rather than let grow to 1 GB.
			opts += " -c fsync=off -c full_page_writes=off -c max_wal_size=64MB"
		}
		var out []byte
		out, err = c.command(ctx, c.pgctl, "start", "-D", c.dataDir, "-l", c.logPath, "-w", "-t", "60", "-o", opts).CombinedOutput()
		if err == nil {
			c.running = true
			c.DSN = c.AdminDSN("postgres")
			return nil
		}
		log := logTail(c.logPath, logStart)
		err = fmt.Errorf("pg_ctl start: %w: %s\nserver log %s:\n%s", err, bytes.TrimSpace(out), c.logPath, log)
		if !strings.Contains(log, "could not bind") {
			return err
		}
	}
	return err
}

func (c *Cluster) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.DSN)
	if err == nil {
		err = conn.Ping(ctx)
		conn.Close(ctx)
	}
	if err != nil {
		return fmt.Errorf("connect to the new server: %w\nserver log %s:\n%s", err, c.logPath, logTail(c.logPath, 0))
	}
	return nil
}

// command runs a PostgreSQL binary as the server's user, from "/" since the
// current directory may be closed to that user, and without the caller's PG*
// variables, which would override the flags given here.
func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = "/"
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if c.owner != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.owner}
	}
	return cmd
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// logTail returns the last lines the server wrote after offset.
func logTail(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size()-offset > 4096 {
		offset = fi.Size() - 4096
	}
	f.Seek(offset, io.SeekStart)
	b, _ := io.ReadAll(f)
	return strings.TrimSpace(string(b))
}
