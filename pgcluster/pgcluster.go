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
	"golang.org/x/sys/unix"
)

const notFound = "PostgreSQL server binaries not found (initdb, pg_ctl): install them with `apt-get install postgresql` (Debian/Ubuntu), or set DATABASE_URL"

// Cluster is a running PostgreSQL server. It listens on a Unix socket only,
// in a directory closed to other local users, so that the trust
// authentication initdb sets up admits nobody but this user (and root).
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
	// users is share-locked by every process using the server, so that the
	// last one to leave stops it (see Stop).
	users *os.File
	// primary, for a streaming replica (StartReplica), is the server it
	// was copied from and replays.
	primary *Cluster
}

// port names the socket file only: the socket directory is the cluster's own.
const port = 5432

// Start starts a cluster whose data lives in dir: created and initialised if
// missing or empty, reused if already initialised, so that data survives
// restarts. A server another process runs on dir (`serve`, while an operator
// command runs) is used as it is. If dir is "", the data lives in a temporary
// directory that Stop removes; such a throw-away cluster trades durability
// for speed, a persistent one keeps PostgreSQL's durable defaults.
func Start(ctx context.Context, dir string) (*Cluster, error) {
	return start(ctx, dir, &Cluster{})
}

// StartReplica starts a streaming replica of primary whose data lives in
// dir ("": a temporary directory), copied by pg_basebackup when new: a hot
// standby, read-only, replaying what the primary writes.
func StartReplica(ctx context.Context, primary *Cluster, dir string) (*Cluster, error) {
	return start(ctx, dir, &Cluster{primary: primary})
}

func start(ctx context.Context, dir string, c *Cluster) (_ *Cluster, err error) {
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
	unlock, err := c.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	alone, err := c.join()
	if err != nil {
		return nil, err
	}
	if err := c.initialise(ctx); err != nil {
		return nil, err
	}
	running := c.isRunning(ctx)
	if running && alone {
		// Left by a process that crashed: restarted, so that it runs with
		// this program's settings and a socket directory this process knows.
		if err := c.stopServer(ctx); err != nil {
			return nil, err
		}
		running = false
	}
	if running {
		err = c.attach()
	} else {
		err = c.start(ctx)
	}
	if err != nil {
		return nil, err
	}
	c.DSN = c.AdminDSN("postgres")
	return c, c.ping(ctx)
}

// Stop leaves the server. While another process still uses it, it keeps
// running; the last user stops it (fast shutdown: sessions are disconnected)
// and removes its socket and temporary directories.
func (c *Cluster) Stop() error {
	if c.users == nil {
		return c.removeDirs() // failed before taking part
	}
	unlock, err := c.lock()
	if err != nil {
		return err
	}
	defer unlock()
	// Only the last user gets the exclusive lock; a failed attempt gives up
	// the shared one too, which is the point anyway.
	last := syscall.Flock(int(c.users.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
	c.users.Close()
	c.users = nil
	if !last {
		return nil
	}
	ctx := context.Background()
	if c.isRunning(ctx) {
		err = c.stopServer(ctx)
	}
	return errors.Join(err, c.removeDirs())
}

func (c *Cluster) removeDirs() error {
	var err error
	for _, d := range []string{c.sockDir, c.tempDir} {
		if d != "" {
			err = errors.Join(err, os.RemoveAll(d))
		}
	}
	return err
}

// AdminDSN connects to database dbname on the same server as the superuser.
func (c *Cluster) AdminDSN(dbname string) string {
	q := url.Values{"host": {c.sockDir}, "port": {strconv.Itoa(c.port)}, "sslmode": {"disable"}}
	u := url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/" + dbname, RawQuery: q.Encode()}
	return u.String()
}

// lock serialises, between processes, the decisions to start and to stop
// the server on the data directory.
func (c *Cluster) lock() (unlock func(), err error) {
	f, err := os.Open(c.dataDir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", c.dataDir, err)
	}
	return func() { f.Close() }, nil
}

// join registers this process as a user of the server, under lock, and
// tells whether it is the only one. A process that ends, even by a crash,
// leaves: the kernel drops its locks.
func (c *Cluster) join() (alone bool, err error) {
	if c.users, err = os.OpenFile(c.dataDir+".users", os.O_CREATE|os.O_RDONLY, 0o600); err != nil {
		return false, err
	}
	fd := int(c.users.Fd())
	alone = syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB) == nil
	if err := syscall.Flock(fd, syscall.LOCK_SH); err != nil {
		return false, fmt.Errorf("lock %s: %w", c.users.Name(), err)
	}
	return alone, nil
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
	paths, err := binaries("initdb", "pg_ctl")
	if err != nil {
		return "", "", err
	}
	return paths[0], paths[1], nil
}

// Binary finds one of PostgreSQL's programs (pg_dump, pg_restore…) where
// the server's are found: on PATH, else in the newest
// /usr/lib/postgresql/VERSION/bin.
func Binary(name string) (string, error) {
	paths, err := binaries(name)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL's %s not found: install PostgreSQL (`apt-get install postgresql` on Debian/Ubuntu)", name)
	}
	return paths[0], nil
}

// binaries finds programs of one PostgreSQL installation: all on PATH, or
// all in the newest version's directory.
func binaries(names ...string) ([]string, error) {
	paths := make([]string, len(names))
	onPath := true
	for i, n := range names {
		p, err := exec.LookPath(n)
		paths[i], onPath = p, onPath && err == nil
	}
	if onPath {
		return paths, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(d string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(d)), 64)
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int { return cmp.Compare(version(b), version(a)) })
	for _, d := range dirs {
		all := true
		for i, n := range names {
			paths[i] = filepath.Join(d, n)
			all = all && isFile(paths[i])
		}
		if all {
			return paths, nil
		}
	}
	return nil, errors.New(notFound)
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
	if c.primary != nil {
		return c.copyPrimary(ctx)
	}
	// Trust on the socket only: TCP is refused even if it were opened.
	args := []string{"-D", c.dataDir, "--auth-local=trust", "--auth-host=reject", "-E", "UTF8", "-U", "postgres", "--no-sync"}
	out, err := c.command(ctx, c.initdb, append(args, "--locale=C.UTF-8")...).CombinedOutput()
	// Systems without the C.UTF-8 locale still have C; initdb empties the
	// directory when it fails, so it can run again.
	if err != nil && bytes.Contains(out, []byte("locale")) {
		out, err = c.command(ctx, c.initdb, append(args, "--locale=C")...).CombinedOutput()
	}
	if err != nil {
		return fmt.Errorf("initdb: %w: %s", err, bytes.TrimSpace(out))
	}
	if c.tempDir != "" {
		return nil
	}
	// Persistent data must be on disk before it is used. initdb would fsync
	// its thousand files one by one (seconds on a busy disk); one syncfs
	// flushes them all, as PostgreSQL 17's --sync-method=syncfs does.
	d, err := os.Open(c.dataDir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return fmt.Errorf("sync the new cluster %s: %w", c.dataDir, err)
	}
	return nil
}

// copyPrimary copies the primary's data into the data directory with
// pg_basebackup, which writes standby.signal and the primary_conninfo
// (-R): started, the server is a hot standby streaming from the primary.
func (c *Cluster) copyPrimary(ctx context.Context) error {
	basebackup, err := Binary("pg_basebackup")
	if err != nil {
		return err
	}
	out, err := c.command(ctx, basebackup, "-D", c.dataDir, "-h", c.primary.sockDir, "-p", strconv.Itoa(c.primary.port),
		"-U", "postgres", "-R", "-X", "stream", "-c", "fast", "--no-sync").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_basebackup: %w: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// isRunning reports whether a server runs on the data directory; a server
// that died leaves a stale pid file, which the next one removes itself.
func (c *Cluster) isRunning(ctx context.Context) bool {
	return isFile(filepath.Join(c.dataDir, "postmaster.pid")) &&
		c.command(ctx, c.pgctl, "status", "-D", c.dataDir).Run() == nil
}

func (c *Cluster) stopServer(ctx context.Context) error {
	out, err := c.command(ctx, c.pgctl, "stop", "-D", c.dataDir, "-m", "fast", "-w", "-t", "60").CombinedOutput()
	// A server that had just died (killed, not yet reaped) fails the stop
	// but is down all the same.
	if err != nil && c.isRunning(ctx) {
		return fmt.Errorf("pg_ctl stop %s: %w: %s", c.dataDir, err, bytes.TrimSpace(out))
	}
	return nil
}

// attach uses the server another process started: its pid file gives the
// port (line 4) and the socket directory (line 5).
func (c *Cluster) attach() error {
	b, err := os.ReadFile(filepath.Join(c.dataDir, "postmaster.pid"))
	if err != nil {
		return err
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 5 || lines[4] == "" {
		return fmt.Errorf("%s/postmaster.pid gives no socket directory", c.dataDir)
	}
	if c.port, err = strconv.Atoi(lines[3]); err != nil {
		return fmt.Errorf("%s/postmaster.pid: port %q: %w", c.dataDir, lines[3], err)
	}
	c.sockDir = lines[4]
	return nil
}

// start runs the server on a socket directory of its own, made by MkdirTemp
// with mode 0700: Unix socket paths are limited to about 107 bytes, so the
// socket cannot always live next to the data.
func (c *Cluster) start(ctx context.Context) error {
	var err error
	if c.sockDir, err = os.MkdirTemp("/tmp", "pgs-"); err != nil {
		return err
	}
	if err := c.chown(c.sockDir); err != nil {
		return err
	}
	c.port = port
	var logStart int64
	if fi, err := os.Stat(c.logPath); err == nil {
		logStart = fi.Size()
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses= -c max_connections=200", c.port, c.sockDir)
	if c.tempDir != "" {
		// Throw-away data needs no crash safety. Its WAL may be in memory,
		// so it is recycled early rather than let grow to 1 GB.
		opts += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_wal_size=64MB"
	}
	out, err := c.command(ctx, c.pgctl, "start", "-D", c.dataDir, "-l", c.logPath, "-w", "-t", "60", "-o", opts).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl start: %w: %s\nserver log %s:\n%s", err, bytes.TrimSpace(out), c.logPath, logTail(c.logPath, logStart))
	}
	return nil
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
