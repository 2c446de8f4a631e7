package main

import (
	"context"
	"crypto/ed25519"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"runtime/pprof"
	"time"

	"github.com/uptrace/bun"

	"guichet/app"
	"guichet/auth"
	"guichet/bench"
	"guichet/clock"
	"guichet/config"
	"guichet/models"
)

const benchUsage = `usage : guichet bench seed -demands N -communes C
        guichet bench run [options]      (guichet bench run -h)
        guichet bench faults [options]   (la grappe de scripts/cluster.sh ; make cluster-faults)
        guichet bench cluster [options]  (la grappe comparée au serveur direct ; make cluster-bench)`

// benchCmd: the data generator and the measures of docs/PERFORMANCE.md.
func benchCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", benchUsage)
	}
	switch args[0] {
	case "seed":
		fs := flag.NewFlagSet("bench seed", flag.ContinueOnError)
		demands := fs.Int("demands", 10_000, "nombre de demandes")
		communes := fs.Int("communes", 20, "nombre de communes")
		workers := fs.Int("workers", 2, "connexions de chargement en parallèle")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *demands < 1 || *communes < 1 {
			return fmt.Errorf("-demands et -communes doivent être positifs")
		}
		return withDB(ctx, func(e *env) error {
			params := e.cfg.PasswordParams()
			return bench.Seed(ctx, e.db, bench.SeedOptions{
				Demands: *demands, Communes: *communes, Workers: *workers, Out: os.Stdout,
				Hash: func(pw string) (string, error) { return auth.HashPassword(ctx, pw, params) },
			})
		})
	case "run":
		fs := flag.NewFlagSet("bench run", flag.ContinueOnError)
		duration := fs.Duration("duration", 5*time.Second, "durée de chaque mesure")
		only := fs.String("only", "", "ne lancer que les mesures dont le nom correspond à cette expression régulière")
		memLimit := fs.String("server-memlimit", "", "GOMEMLIMIT du serveur mis en charge (ex. 128MiB)")
		cpuprofile := fs.String("cpuprofile", "", "écrire le profil CPU de guichet pendant les mesures dans ce fichier")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
			defer pprof.StopCPUProfile()
		}
		o := bench.RunOptions{Duration: *duration, Out: os.Stdout, ServerMemLimit: *memLimit}
		if *only != "" {
			re, err := regexp.Compile(*only)
			if err != nil {
				return fmt.Errorf("-only : %w", err)
			}
			o.Only = re
		}
		self, err := os.Executable()
		if err != nil {
			return err
		}
		o.Guichet = self
		return withDB(ctx, func(e *env) error {
			// The application measured in-process, wired as `serve` wires it
			// (its memory limit and GOGC too), in development mode: mail stays
			// in the database.
			setGarbageCollection(e.cfg.PasswordParams())
			e.cfg.Env = "development"
			e.log = slog.New(slog.NewTextHandler(io.Discard, nil))
			a, err := app.New(e.cfg, e.db, e.log, clock.System)
			if err != nil {
				return err
			}
			key, err := e.cfg.AuditKey()
			if err != nil {
				return err
			}
			o.DSN, o.Handler, o.Engine, o.Notifier, o.Inbound = e.dsn, a.Server.Handler(), a.Engine, a.Notifier, a.Inbound
			o.AuditKey = key.Public().(ed25519.PublicKey)
			if e.cfg.S3Endpoint != "" {
				o.S3 = e.cfg.S3()
			}
			return bench.Run(ctx, e.db, o)
		})
	case "faults":
		fs := flag.NewFlagSet("bench faults", flag.ContinueOnError)
		workers := fs.Int("workers", 4, "parcours menés en même temps")
		step := fs.Duration("step", 8*time.Second, "durée entre deux pannes")
		script := fs.String("script", "scripts/cluster.sh", "le script qui provoque les pannes")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return withCluster(func(cfg *config.Config, base string, db *bun.DB) error {
			store, err := app.FileStore(cfg, db)
			if err != nil {
				return err
			}
			return bench.Faults(ctx, bench.FaultOptions{URL: base, DB: db, Files: store,
				Script: *script, Workers: *workers, Step: *step, Out: os.Stdout})
		})
	case "cluster":
		fs := flag.NewFlagSet("bench cluster", flag.ContinueOnError)
		duration := fs.Duration("duration", 5*time.Second, "durée de chaque mesure")
		script := fs.String("script", "scripts/cluster.sh", "le script qui démarre le serveur direct")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return withCluster(func(cfg *config.Config, base string, db *bun.DB) error {
			quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
			a, err := app.New(cfg, db, quiet, clock.System)
			if err != nil {
				return err
			}
			// The list pages in-process, as the servers read them: through
			// PgBouncer, on the replica (replica.Reader) or, without
			// DATABASE_REPLICA_URL, on the primary.
			pooled, err := models.OpenTransactionPooled(cfg.DatabaseURL)
			if err != nil {
				return err
			}
			defer pooled.Close()
			onReplica, err := app.New(cfg, pooled, quiet, clock.System)
			if err != nil {
				return err
			}
			primaryOnly := *cfg
			primaryOnly.DatabaseReplicaURL = ""
			onPrimary, err := app.New(&primaryOnly, pooled, quiet, clock.System)
			if err != nil {
				return err
			}
			return bench.Cluster(ctx, bench.ClusterOptions{URL: base, Direct: os.Getenv("CLUSTER_DIRECT_URL"),
				Pooled: os.Getenv("CLUSTER_SERVE1_URL"), DB: db,
				Script: *script, Engine: a.Engine, Duration: *duration, Out: os.Stdout,
				Reads: bench.ReadsOptions{OnPrimary: onPrimary.Server.Handler(), OnReplica: onReplica.Server.Handler(), Replica: onReplica.Reads}})
		})
	}
	return fmt.Errorf("%s", benchUsage)
}

// withCluster runs fn on the cluster that scripts/cluster.sh describes in
// var/cluster/env (make cluster-faults loads it): the servers'
// configuration, HAProxy's address, and the primary, directly, to check
// what the cluster kept whatever happens to its pooler.
func withCluster(fn func(cfg *config.Config, base string, db *bun.DB) error) error {
	base, primary := os.Getenv("CLUSTER_URL"), os.Getenv("CLUSTER_PRIMARY_URL")
	if base == "" || primary == "" {
		return fmt.Errorf("CLUSTER_URL and CLUSTER_PRIMARY_URL are not set: start the cluster (make cluster) and load var/cluster/env")
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	db, err := models.Open(primary)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(cfg, base, db)
}
