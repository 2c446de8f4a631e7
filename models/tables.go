package models

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
)

// TableRows counts the rows of every table of the public schema, by name
// (a backup's manifest, checked again after a restore).
func TableRows(ctx context.Context, db bun.IDB) (map[string]int64, error) {
	var tables []string
	if err := db.NewRaw("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").Scan(ctx, &tables); err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, t := range tables {
		var n int64
		if err := db.NewRaw("SELECT count(*) FROM "+pgx.Identifier{"public", t}.Sanitize()).Scan(ctx, &n); err != nil {
			return nil, err
		}
		out[t] = n
	}
	return out, nil
}

// Relations counts the tables, indexes, sequences and views outside
// PostgreSQL's own schemas: 0 in an empty database.
func Relations(ctx context.Context, db bun.IDB) (int, error) {
	var n int
	err := db.NewRaw(`SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname <> 'information_schema' AND s.nspname NOT LIKE 'pg\_%'`).Scan(ctx, &n)
	return n, err
}
