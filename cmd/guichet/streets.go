package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"guichet/models"
	"guichet/streets"
)

// streetsCmd: guichet streets import -commune plassans adresses-13100.csv
func streetsCmd(ctx context.Context, args []string) error {
	const use = "usage : guichet streets import -commune SLUG FICHIER.csv"
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf(use)
	}
	fs := flag.NewFlagSet("streets import", flag.ContinueOnError)
	commune := fs.String("commune", "", "slug de la commune")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *commune == "" || fs.NArg() != 1 {
		return fmt.Errorf(use)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	return withDB(ctx, func(e *env) error {
		c, err := models.CommuneBySlug(ctx, e.db, *commune)
		if err != nil {
			return fmt.Errorf("commune %q introuvable", *commune)
		}
		sum, err := streets.Import(ctx, e.db, c.ID, f, func(lines int) {
			fmt.Fprintf(os.Stderr, "\r%d lignes lues…", lines)
		})
		fmt.Fprint(os.Stderr, "\r")
		if err != nil {
			return fmt.Errorf("%s : %w", fs.Arg(0), err)
		}
		names := make([]string, len(sum.Sample))
		for i, s := range sum.Sample {
			names[i] = s.Name
		}
		fmt.Printf("%d voies importées pour %s (elles remplacent les précédentes). Par exemple : %s.\n", sum.Count, c.Name, strings.Join(names, ", "))
		return nil
	})
}
