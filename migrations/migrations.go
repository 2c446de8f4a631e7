// Package migrations holds the embedded SQL schema and runs it with bun's
// migrator under a PostgreSQL advisory lock, so that two processes starting
// at once never migrate twice.
package migrations

import (
	"context"
	"embed"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

//go:embed *.sql
var sqlFiles embed.FS

// goMigrations are the migrations written in Go (named by their file, like
// the SQL ones, and run in the same order by name).
var goMigrations = migrate.NewMigrations()

// lockKey is an arbitrary constant shared by every Guichet process.
const lockKey = 727_274_801

// Migrate applies every pending migration.
func Migrate(ctx context.Context, db *bun.DB) error {
	ms := migrate.NewMigrations()
	if err := ms.Discover(sqlFiles); err != nil {
		return fmt.Errorf("discover migrations: %w", err)
	}
	for _, m := range goMigrations.Sorted() {
		ms.Add(m)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", lockKey); err != nil {
		return fmt.Errorf("advisory lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", lockKey)

	m := migrate.NewMigrator(db, ms, migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("init migrations: %w", err)
	}
	if _, err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
