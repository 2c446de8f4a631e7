package main

import (
	"context"
	"fmt"
	"time"

	"guichet/app"
	"guichet/auth"
	"guichet/clock"
	"guichet/demo"
)

// loadDemo loads the demo commune into an empty database; loud says why
// it does not otherwise.
func loadDemo(ctx context.Context, e *env, loud bool) error {
	ok, err := demo.Loaded(ctx, e.db)
	if err != nil {
		return err
	}
	if ok {
		if loud {
			fmt.Println("La commune de démonstration « Plassans » est déjà chargée.")
			printLogins(e)
		}
		return nil
	}
	// The demo's demands are driven through the application's own workflow,
	// on a clock the demo sets back weeks in time.
	fake := clock.NewFake(time.Now())
	a, err := app.New(e.cfg, e.db, e.log, fake.Clock())
	if err != nil {
		return err
	}
	ds := demo.Demands{DB: e.db, Engine: a.Engine, Files: a.Files, Limits: a.Server.Base.FileLimits(), Clock: fake, Conversations: a.Conversations,
		Satisfaction: a.Server.Base.Satisfaction}
	params := e.cfg.PasswordParams()
	c, err := demo.Load(ctx, e.db, func(pw string) (string, error) { return auth.HashPassword(ctx, pw, params) }, ds)
	if err != nil {
		return fmt.Errorf("chargement de la démo : %w", err)
	}
	if c == nil {
		if loud {
			fmt.Println("La base contient déjà des communes : la démonstration ne se charge que dans une base vide.")
		}
		return nil
	}
	fmt.Println("Commune de démonstration « Plassans » chargée, avec ses voies et des demandes à tous les stades.")
	printLogins(e)
	return nil
}

func printLogins(e *env) {
	fmt.Printf("\n  Portail des usagers : %s/c/plassans/\n", e.cfg.BaseURL)
	fmt.Printf("  Espace agents       : %s/gestion/\n", e.cfg.BaseURL)
	if e.cfg.Dev() && e.cfg.SMTPURL == "" {
		fmt.Printf("  Boîte mail de dev   : %s/dev/mail\n", e.cfg.BaseURL)
	}
	fmt.Println("\n  Identifiants (mot de passe « " + demo.Password + " ») :")
	for _, l := range demo.Logins {
		fmt.Printf("    %-22s %s\n", l.Email, l.Profile)
	}
	fmt.Println("\n  Services (leurs e-mails et leurs liens sont dans la boîte mail de dev) :")
	for _, s := range demo.Services {
		fmt.Printf("    %-22s %s\n", s.Email, s.Name)
	}
	fmt.Println()
}
