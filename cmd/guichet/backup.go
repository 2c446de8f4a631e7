package main

import (
	"context"
	"flag"
	"fmt"

	"guichet/app"
	"guichet/backup"
	"guichet/clock"
)

// backupCmd: guichet backup -o DIR
func backupCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	out := fs.String("o", "", "répertoire (nouveau ou vide) où écrire la sauvegarde")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage : guichet backup -o RÉPERTOIRE")
	}
	return withUnmigrated(ctx, func(e *env) error {
		store, err := app.FileStore(e.cfg, e.db)
		if err != nil {
			return err
		}
		m, err := backup.Create(ctx, e.db, e.dsn, store, *out, clock.System())
		if err != nil {
			return err
		}
		where := fmt.Sprintf("%d fichiers", len(m.Files))
		if store.InDatabase() {
			where = fmt.Sprintf("%d fichiers dans la base (FILE_STORE=postgres)", m.Rows["file_contents"])
		}
		fmt.Printf("Sauvegarde écrite dans %s : la base (%d demandes, %d entrées d'historique, %d pièces jointes) et %s.\n",
			*out, m.Rows["demands"], m.Rows["demand_events"], m.Rows["attachments"], where)
		return nil
	})
}

// restoreCmd: guichet restore -i DIR, into an empty database.
func restoreCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	in := fs.String("i", "", "répertoire d'une sauvegarde (guichet backup)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage : guichet restore -i RÉPERTOIRE")
	}
	return withUnmigrated(ctx, func(e *env) error {
		store, err := app.FileStore(e.cfg, e.db)
		if err != nil {
			return err
		}
		m, err := backup.Restore(ctx, e.db, e.dsn, store, *in)
		if err != nil {
			return err
		}
		fmt.Printf("Sauvegarde du %s restaurée : %d demandes, %d entrées d'historique, %d fichiers vérifiés.\n",
			m.CreatedAt.Format("02/01/2006 15:04 MST"), m.Rows["demands"], m.Rows["demand_events"], len(m.Files))
		return nil
	})
}
