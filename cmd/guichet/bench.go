package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"guichet/auth"
	"guichet/bench"
)

const benchUsage = `usage : guichet bench seed -demands N -communes C
        guichet bench run [options]   (guichet bench run -h)`

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
				Hash: func(pw string) (string, error) { return auth.HashPassword(pw, params) },
			})
		})
	}
	return fmt.Errorf("%s", benchUsage)
}
