// Package migrations holds the embedded SQL schema and runs it with bun's
// migrator under a PostgreSQL advisory lock, so that two processes starting
// at once never migrate twice.
package migrations

import (
	"context"
	"embed"
	"fmt"
	"slices"

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

// all are the program's migrations: the embedded SQL files and the Go ones.
func all() (*migrate.Migrations, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(sqlFiles); err != nil {
		return nil, fmt.Errorf("discover migrations: %w", err)
	}
	for _, m := range goMigrations.Sorted() {
		ms.Add(m)
	}
	return ms, nil
}

// Migrate applies every pending migration.
func Migrate(ctx context.Context, db *bun.DB) error {
	ms, err := all()
	if err != nil {
		return err
	}
	// The lock is a transaction's, kept open while the migrator works on
	// other connections: a session's lock would stay behind on whichever
	// server connection a transaction-pooling PgBouncer lent for it, and
	// make the next start wait for ever.
	lock, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer lock.Rollback()
	if _, err := lock.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", lockKey); err != nil {
		return fmt.Errorf("advisory lock: %w", err)
	}

	m := migrate.NewMigrator(db, ms, migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("init migrations: %w", err)
	}
	if _, err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Compare tells how the database's applied migrations differ from the
// embedded ones: those not applied yet (pending), and those applied that
// this program does not know (a newer version migrated the database, or a
// row was added by hand). Both empty: the schema is the one this program
// expects.
func Compare(ctx context.Context, db bun.IDB) (pending, unknown []string, err error) {
	ms, err := all()
	if err != nil {
		return nil, nil, err
	}
	var applied []string
	if err := db.NewRaw("SELECT name FROM bun_migrations").Scan(ctx, &applied); err != nil {
		return nil, nil, fmt.Errorf("read the applied migrations: %w", err)
	}
	done := map[string]bool{}
	for _, name := range applied {
		done[name] = true
	}
	for _, m := range ms.Sorted() {
		if !done[m.Name] {
			pending = append(pending, m.Name)
		}
		delete(done, m.Name)
	}
	for name := range done {
		unknown = append(unknown, name)
	}
	slices.Sort(unknown)
	return pending, unknown, nil
}
