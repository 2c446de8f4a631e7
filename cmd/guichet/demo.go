package main

import (
	"context"
	"fmt"

	"guichet/auth"
	"guichet/demo"
)

// loadDemo loads the demo commune unless it exists; loud says so when it does.
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
	params := e.cfg.PasswordParams()
	if _, err := demo.Load(ctx, e.db, func(pw string) (string, error) { return auth.HashPassword(ctx, pw, params) }); err != nil {
		return fmt.Errorf("chargement de la démo : %w", err)
	}
	fmt.Println("Commune de démonstration « Plassans » chargée.")
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
	fmt.Println()
}
