package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/uptrace/bun"

	"guichet/auth"
	"guichet/forms"
	"guichet/models"
	"guichet/perm"
	"guichet/validate"
)

// agentCmd: guichet agent add -commune plassans -email … -name … -profile "Agent d'accueil"
// The password is read from GUICHET_PASSWORD or standard input, never from
// the command line where other users could see it.
func agentCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage : guichet agent add -commune SLUG -email ADRESSE -name NOM -profile PROFIL")
	}
	fs := flag.NewFlagSet("agent add", flag.ContinueOnError)
	commune := fs.String("commune", "", "slug de la commune")
	email := fs.String("email", "", "adresse e-mail de connexion")
	name := fs.String("name", "", "nom affiché")
	profile := fs.String("profile", perm.AccueilProfile, "nom du profil de la commune, par exemple « "+perm.AdminProfile+" »")
	role := fs.String("role", "", "ancien nom d'un profil par défaut : accueil, supervisor ou admin")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *commune == "" || *email == "" || *name == "" {
		return fmt.Errorf("-commune, -email et -name sont obligatoires")
	}
	if !validate.IsAddress(strings.TrimSpace(*email)) {
		return fmt.Errorf("-email : %s", validate.AddressMessage("prenom.nom@mairie.fr"))
	}
	if *role != "" {
		p, ok := roleProfiles[*role]
		if !ok {
			return fmt.Errorf("rôle inconnu %q : accueil, supervisor ou admin (ou -profile)", *role)
		}
		*profile = p
	}
	pw := os.Getenv("GUICHET_PASSWORD")
	if pw == "" {
		fmt.Fprint(os.Stderr, "Mot de passe (12 caractères au moins) : ")
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("lecture du mot de passe : %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	if len([]rune(pw)) < 12 {
		return fmt.Errorf("le mot de passe doit faire au moins 12 caractères")
	}
	return withDB(ctx, func(e *env) error {
		c, err := models.CommuneBySlug(ctx, e.db, *commune)
		if err != nil {
			return fmt.Errorf("commune %q introuvable", *commune)
		}
		p, err := models.ProfileByName(ctx, e.db, c.ID, *profile)
		if err != nil {
			return fmt.Errorf("profil %q introuvable dans la commune %s", *profile, c.Name)
		}
		hash, err := auth.HashPassword(ctx, pw, e.cfg.PasswordParams())
		if err != nil {
			return err
		}
		a := &models.Agent{CommuneID: c.ID, Email: strings.TrimSpace(*email), Name: *name, ProfileID: p.ID, PasswordHash: hash, Active: true}
		if _, err := e.db.NewInsert().Model(a).Exec(ctx); err != nil {
			return fmt.Errorf("création de l'agent : %w", err)
		}
		fmt.Printf("Agent %s (profil %s) créé dans la commune %s.\n", a.Email, p.Name, c.Name)
		return nil
	})
}

// roleProfiles are the roles of earlier versions, kept as -role for the
// default profiles they became.
var roleProfiles = map[string]string{"accueil": perm.AccueilProfile, "supervisor": perm.SupervisorProfile, "admin": perm.AdminProfile}

// procedureCmd: guichet procedure import -commune plassans FILE
func procedureCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("usage : guichet procedure import -commune SLUG FICHIER")
	}
	fs := flag.NewFlagSet("procedure import", flag.ContinueOnError)
	commune := fs.String("commune", "", "slug de la commune")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *commune == "" || fs.NArg() != 1 {
		return fmt.Errorf("usage : guichet procedure import -commune SLUG FICHIER")
	}
	src, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	defs, err := forms.Parse(src)
	if err != nil {
		return fmt.Errorf("%s : %w", fs.Arg(0), err)
	}
	return withDB(ctx, func(e *env) error {
		c, err := models.CommuneBySlug(ctx, e.db, *commune)
		if err != nil {
			return fmt.Errorf("commune %q introuvable", *commune)
		}
		if err := forms.CheckCommune(defs, c); err != nil {
			return fmt.Errorf("%s : %w", fs.Arg(0), err)
		}
		return e.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			for _, d := range defs {
				p := d.Procedure(c.ID)
				p.CreatedByName = "import en ligne de commande"
				if err := models.ImportProcedure(ctx, tx, p, true); err != nil {
					return fmt.Errorf("démarche %s : %w", d.Slug, err)
				}
				fmt.Printf("Démarche « %s » importée et publiée (version %d).\n", d.Title, p.Latest)
				for _, m := range p.CreatedMotifs {
					fmt.Printf("Motif « %s » créé.\n", m)
				}
			}
			return nil
		})
	})
}
