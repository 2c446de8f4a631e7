package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unreachable tells whether err means that the database, or the pooler in
// front of it, could not be reached or dropped the connection under the
// query: PgBouncer or PostgreSQL restarting or crashed, a full pool. The
// same request may go through a few seconds later, unlike after a bug, or
// after a conflict between transactions (40001, 40P01), which are not this.
func Unreachable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) { // the person left, not the database
		return false
	}
	var pgErr *pgconn.PgError
	hasPgErr := errors.As(err, &pgErr)
	if errors.As(err, new(*pgconn.ConnectError)) {
		// Refused, unanswered, or turned away at startup (PgBouncer's "no
		// more connections allowed", 57P03 "starting up", 53300 "too many
		// clients"); but wrong credentials or an unknown database do not
		// mend in a few seconds.
		return !hasPgErr || !(strings.HasPrefix(pgErr.Code, "28") || pgErr.Code == "3D000")
	}
	if hasPgErr {
		return unreachableState(pgErr.Code)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	// database/sql hands these back inside a transaction or a held
	// connection, where it cannot run the query again elsewhere.
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	// pgx's answer to a statement on a connection it closed when its
	// socket went away (pgconn.ErrConnClosed, inside its lock error).
	if errors.Is(err, pgconn.ErrConnClosed) {
		return true
	}
	return brokenConnection(err)
}

// unreachableState tells whether a server's SQLSTATE reports a connection
// that ends: class 08 (connection exception: PgBouncer 1.18 sends 08P01 for
// its own errors, "server conn crashed?", "query_wait_timeout"...), 57P01
// (terminated by an administrator or pg_terminate_backend, or the server
// shutting down), 57P02 (crash of another backend), 57P03 (cannot connect
// now).
func unreachableState(code string) bool {
	switch code {
	case "57P01", "57P02", "57P03":
		return true
	}
	return strings.HasPrefix(code, "08")
}

// brokenConnection tells whether err is a socket that broke under a query:
// closed, reset or refused. pgx reports every end of stream as
// io.ErrUnexpectedEOF (pgproto3 turns io.EOF into it), and hands it back
// bare from a query's results; an upload cut short, the other source of
// it in a request, is refused where it is read (web.BadPart) and never
// comes here.
func brokenConnection(err error) bool {
	var opErr *net.OpError
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		(errors.As(err, &opErr) && !opErr.Timeout() &&
			(errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNREFUSED)))
}
