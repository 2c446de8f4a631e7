// Package models holds the database rows and the queries on them. Every query
// on a tenant-owned table is scoped by commune. It knows nothing of the
// workflow's rules.
package models

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// Open connects to PostgreSQL, directly or through a pooler in session mode.
// It uses pgx's database/sql driver rather than bun's pgdriver, whose
// placeholder handling mis-parses some SQL comments.
func Open(dsn string) (*bun.DB, error) { return connect(open(dsn, false)) }

// OpenLater is Open without connecting yet: a replica may be down when the
// server starts (replica.Reader reads from the primary meanwhile).
func OpenLater(dsn string) (*bun.DB, error) { return open(dsn, false) }

// OpenTransactionPooled connects through a pooler in transaction mode
// (PgBouncer 1.18's pool_mode = transaction), which gives each transaction
// whichever server connection is free: a statement prepared in one is
// unknown to the next. No statement is kept prepared (LockForTransition
// plans its query each time), and pgx's caches are off, so that a query
// asking for a prepared statement fails at once instead of now and then.
func OpenTransactionPooled(dsn string) (*bun.DB, error) { return connect(open(dsn, true)) }

// connect checks that an opened database answers.
func connect(db *bun.DB, err error) (*bun.DB, error) {
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// transactionPooled holds the databases opened by OpenTransactionPooled.
var transactionPooled sync.Map // *sql.DB → struct{}

// isTransactionPooled tells whether db was opened by OpenTransactionPooled.
func isTransactionPooled(db *bun.DB) bool {
	_, ok := transactionPooled.Load(db.DB)
	return ok
}

// PreparedMode is the pgx mode of the few statements worth preparing (a
// transition's lock, a received mail's chunks, sent as binary): cached per
// connection, or, behind a transaction pooler where nothing stays prepared,
// unnamed (parse, bind, execute in one round trip, still binary).
func PreparedMode(db *bun.DB) pgx.QueryExecMode {
	if isTransactionPooled(db) {
		return pgx.QueryExecModeExec
	}
	return pgx.QueryExecModeCacheStatement
}

func open(dsn string, txPooled bool) (*bun.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if txPooled {
		cfg.StatementCacheCapacity, cfg.DescriptionCacheCapacity = 0, 0
	}
	// bun writes the arguments into the SQL text, so no two statements are
	// alike: pgx's default (prepare and cache each statement) would cost a
	// second round trip per query and fill the server with prepared
	// statements. The simple protocol takes one round trip.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	sqldb := stdlib.OpenDB(*cfg, stdlib.OptionShouldPing(shouldPing))
	sqldb.SetMaxOpenConns(20)
	sqldb.SetMaxIdleConns(20)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	if txPooled {
		transactionPooled.Store(sqldb, struct{}{})
	}
	return bun.NewDB(sqldb, pgdialect.New()), nil
}

// shouldPing tells database/sql, through pgx, whether to ping a pooled
// connection before lending it again: when it has been idle for more than
// a second (pgx's default), or when the server has spoken or hung up since
// it went idle. A server does not speak to an idle connection unless to end
// it (PgBouncer closing it, pg_terminate_backend's FATAL): the failed ping
// then discards it, and database/sql runs the query on another connection
// or a fresh one, before anything was sent, so that the retry is safe for
// any query or transaction.
func shouldPing(_ context.Context, p stdlib.ShouldPingParams) bool {
	return p.IdleDuration > time.Second || peerSpoke(p.Conn.PgConn().Conn())
}
