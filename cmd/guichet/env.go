package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/uptrace/bun"

	"guichet/config"
	"guichet/migrations"
	"guichet/models"
	"guichet/pgcluster"
	"guichet/workflow"
)

// env is what every command needs: the configuration and a migrated database.
type env struct {
	cfg *config.Config
	db  *bun.DB
	dsn string
	log *slog.Logger
}

// withDB loads the configuration, opens the database (the private cluster,
// started unless another process runs it), migrates it, runs fn, and lets
// the cluster go (see pgcluster.Cluster.Stop).
func withDB(ctx context.Context, fn func(*env) error) error {
	return withUnmigrated(ctx, func(e *env) error {
		mctx := ctx
		// A migration that relinks the history signs its digests again;
		// without a key (production unconfigured) it says so if it must.
		if key, err := e.cfg.AuditKey(); err == nil {
			mctx = migrations.WithAuditKey(ctx, key)
		}
		if err := migrations.Migrate(mctx, e.db); err != nil {
			return err
		}
		return fn(e)
	})
}

// withUnmigrated is withDB without the migrations: a backup copies the
// database as it is, a restore needs it empty.
func withUnmigrated(ctx context.Context, fn func(*env) error) error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	log := cfg.Logger(os.Stderr)
	dsn := cfg.DatabaseURL
	if dsn == "" {
		dir, err := filepath.Abs(filepath.Join(cfg.DataDir, "pg"))
		if err != nil {
			return err
		}
		log.Info("DATABASE_URL is not set: using the private PostgreSQL", "dir", dir)
		cl, err := pgcluster.Start(ctx, dir)
		if err != nil {
			return err
		}
		defer cl.Stop()
		dsn = cl.DSN
	}
	open := models.Open
	if cfg.DatabasePooling == "transaction" {
		open = models.OpenTransactionPooled
	}
	db, err := open(dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(&env{cfg: cfg, db: db, dsn: dsn, log: log})
}

func keygen() error {
	fmt.Println(config.NewKey())
	return nil
}

func diagram() error {
	fmt.Print(workflow.Diagram())
	return nil
}
