// Package models holds the database rows and the queries on them. Every query
// on a tenant-owned table is scoped by commune. It knows nothing of the
// workflow's rules.
package models

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// Open connects to PostgreSQL. It uses pgx's database/sql driver rather than
// bun's pgdriver, whose placeholder handling mis-parses some SQL comments.
func Open(dsn string) (*bun.DB, error) {
	db, err := OpenLater(dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// OpenLater is Open without connecting yet: a replica may be down when the
// server starts (replica.Reader reads from the primary meanwhile).
func OpenLater(dsn string) (*bun.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// bun writes the arguments into the SQL text, so no two statements are
	// alike: pgx's default (prepare and cache each statement) would cost a
	// second round trip per query and fill the server with prepared
	// statements. The simple protocol takes one round trip.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	sqldb := stdlib.OpenDB(*cfg)
	sqldb.SetMaxOpenConns(20)
	sqldb.SetMaxIdleConns(20)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	return bun.NewDB(sqldb, pgdialect.New()), nil
}
