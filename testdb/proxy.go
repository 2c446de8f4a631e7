package testdb

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
)

// Proxy stands between an application and a test database as a pooler
// does, and crashes as one does (PgBouncer killed): Crash closes its port
// and every connection through it at once; Restart opens the port again.
type Proxy struct {
	DSN string // db's database, through the proxy

	tb     testing.TB
	addr   string
	target func() (net.Conn, error)
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
}

// NewProxy starts a proxy to the database of db, which New returned. It is
// stopped when the test ends.
func NewProxy(tb testing.TB, db *bun.DB) *Proxy {
	tb.Helper()
	cfg, err := pgx.ParseConfig(DSN(tb, db))
	if err != nil {
		tb.Fatalf("testdb.NewProxy: %v", err)
	}
	network, address := "tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
	if strings.HasPrefix(cfg.Host, "/") { // a Unix socket's directory
		network, address = "unix", filepath.Join(cfg.Host, fmt.Sprintf(".s.PGSQL.%d", cfg.Port))
	}
	p := &Proxy{tb: tb, target: func() (net.Conn, error) { return net.Dial(network, address) }, conns: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("testdb.NewProxy: %v", err)
	}
	p.addr = ln.Addr().String()
	user := url.User(cfg.User)
	if cfg.Password != "" {
		user = url.UserPassword(cfg.User, cfg.Password)
	}
	p.DSN = (&url.URL{Scheme: "postgres", User: user, Host: p.addr, Path: "/" + cfg.Database, RawQuery: "sslmode=disable"}).String()
	p.serve(ln)
	tb.Cleanup(p.Crash)
	return p
}

// Crash closes the port and every connection through it, as the death of
// the pooler's process would: a connection under way reads the end of its
// stream, a new one is refused.
func (p *Proxy) Crash() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// Restart opens the port again, as the pooler started anew.
func (p *Proxy) Restart() {
	p.tb.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.tb.Fatalf("testdb: restart the proxy: %v", err)
	}
	p.serve(ln)
}

func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return // closed by Crash
			}
			go p.pipe(client)
		}
	}()
}

// pipe copies both ways between a client and the database until either
// side, or Crash, ends the connection.
func (p *Proxy) pipe(client net.Conn) {
	server, err := p.target()
	if err != nil {
		client.Close()
		return
	}
	p.mu.Lock()
	if p.ln == nil { // crashed meanwhile
		p.mu.Unlock()
		client.Close()
		server.Close()
		return
	}
	p.conns[client], p.conns[server] = struct{}{}, struct{}{}
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	copyTo := func(dst, src net.Conn) {
		io.Copy(dst, src)
		done <- struct{}{}
	}
	go copyTo(server, client)
	go copyTo(client, server)
	<-done
	client.Close()
	server.Close()
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.conns, server)
	p.mu.Unlock()
}
