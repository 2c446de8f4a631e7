package main

import (
	"context"
	"flag"
	"fmt"

	"guichet/app"
	"guichet/clock"
	"guichet/models"
)

const serviceUsage = `usage :
  guichet service board-link -commune SLUG -service NOM   envoie au service le lien de son tableau de bord
  guichet service revoke -commune SLUG -service NOM       révoque tous les liens du service (tableau et demandes)`

// serviceCmd: what the commune admin does about a service's links from the
// back office's services page, for the operator: the same functions
// (notify.MailBoard, models.RevokeServiceLinks). The board link goes to the
// service's own address, never to the terminal.
func serviceCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "board-link" && args[0] != "revoke") {
		return fmt.Errorf("%s", serviceUsage)
	}
	fs := flag.NewFlagSet("service "+args[0], flag.ContinueOnError)
	commune := fs.String("commune", "", "slug de la commune")
	name := fs.String("service", "", "nom du service")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *commune == "" || *name == "" {
		return fmt.Errorf("%s", serviceUsage)
	}
	return withDB(ctx, func(e *env) error {
		c, err := models.CommuneBySlug(ctx, e.db, *commune)
		if err != nil {
			return fmt.Errorf("commune %q introuvable", *commune)
		}
		s, err := models.ServiceByName(ctx, e.db, c.ID, *name)
		if err != nil {
			return fmt.Errorf("service %q introuvable dans la commune %s", *name, c.Name)
		}
		if args[0] == "revoke" {
			if _, err := models.RevokeServiceLinks(ctx, e.db, c.ID, s.ID); err != nil {
				return err
			}
			fmt.Printf("Tous les liens du service %s sont révoqués. Un lien révoqué vers une demande en cours permet d'en recevoir un nouveau à %s ; pour un nouveau tableau de bord : guichet service board-link -commune %s -service %q\n", s.Name, s.Email, c.Slug, s.Name)
			return nil
		}
		a, err := app.New(e.cfg, e.db, e.log, clock.System)
		if err != nil {
			return err
		}
		if err := a.Notifier.MailBoard(ctx, e.db, c, s); err != nil {
			return err
		}
		fmt.Printf("Le lien du tableau de bord sera envoyé à %s par le serveur (guichet serve).\n", s.Email)
		return nil
	})
}
