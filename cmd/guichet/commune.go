package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"guichet/app"
	"guichet/apperr"
	"guichet/auth"
	"guichet/clock"
	"guichet/commune"
)

const communeUsage = `usage :
  guichet commune add -slug SLUG -name NOM -admin-email ADRESSE [-admin-name NOM]
                                           crée la commune et son premier administrateur,
                                           invité par e-mail à choisir son mot de passe
  guichet commune list                     liste les communes
  guichet commune deactivate -slug SLUG    ferme le guichet d'une commune (rien n'est supprimé)
  guichet commune reactivate -slug SLUG    le rouvre`

// communeCmd: the operator's commands on communes, on the commune
// package's functions; what they did is written to out.
func communeCmd(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(communeUsage)
	}
	fs := flag.NewFlagSet("commune "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var in commune.New
	fs.StringVar(&in.Slug, "slug", "", "identifiant de la commune (son portail : /c/SLUG/)")
	switch args[0] {
	case "add":
		fs.StringVar(&in.Name, "name", "", "nom de la commune")
		fs.StringVar(&in.AdminEmail, "admin-email", "", "adresse e-mail du premier administrateur")
		fs.StringVar(&in.AdminName, "admin-name", "", "nom du premier administrateur")
	case "list", "deactivate", "reactivate":
	default:
		return errors.New(communeUsage)
	}
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return errors.New(communeUsage)
	}
	if (args[0] == "deactivate" || args[0] == "reactivate") && in.Slug == "" {
		return errors.New(communeUsage)
	}
	return withDB(ctx, func(e *env) error {
		switch args[0] {
		case "add":
			a, err := app.New(e.cfg, e.db, e.log, clock.System)
			if err != nil {
				return err
			}
			added, err := commune.Add(ctx, e.db, a.Notifier, in)
			if err != nil {
				return refusal(err)
			}
			c, ad := added.Commune, added.Admin
			fmt.Fprintf(out, "Commune « %s » créée, portail %s/c/%s/.\n", c.Name, e.cfg.BaseURL, c.Slug)
			fmt.Fprintf(out, "Premier administrateur : %s <%s>. Le serveur (guichet serve) lui envoie l'e-mail qui l'invite à choisir son mot de passe (lien valable %d jours, à usage unique) ; il complète ensuite la fiche de la commune sur %s/gestion/admin/commune.\n", ad.Name, ad.Email, int(auth.InviteLinkTTL.Hours()/24), e.cfg.BaseURL)
			if e.cfg.Dev() {
				fmt.Fprintf(out, "Lien d'invitation (développement) : %s\n", added.InviteURL)
			}
		case "list":
			cs, err := commune.List(ctx, e.db)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "IDENTIFIANT\tNOM\tÉTAT\tAGENTS\tDEMANDES\tCRÉÉE LE")
			for _, c := range cs {
				state := "active"
				if !c.Active {
					state = "désactivée"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\n", c.Slug, c.Name, state, c.Agents, c.Demands, c.CreatedAt.In(paris).Format("02/01/2006"))
			}
			return tw.Flush()
		default:
			active := args[0] == "reactivate"
			c, changed, err := commune.SetActive(ctx, e.db, in.Slug, active)
			switch {
			case err != nil:
				return refusal(err)
			case !changed && active:
				fmt.Fprintf(out, "La commune « %s » est déjà active.\n", c.Name)
			case !changed:
				fmt.Fprintf(out, "La commune « %s » est déjà désactivée.\n", c.Name)
			case active:
				fmt.Fprintf(out, "Commune « %s » réactivée : son portail, les liens de ses services et la connexion de ses agents fonctionnent de nouveau.\n", c.Name)
			default:
				fmt.Fprintf(out, "Commune « %s » désactivée : son portail annonce que le guichet n'est plus en service, les liens de ses services ne fonctionnent plus et ses agents ne peuvent plus se connecter (leurs sessions sont closes). Rien n'est supprimé : guichet commune reactivate -slug %s la rouvre.\n", c.Name, c.Slug)
			}
		}
		return nil
	})
}

var paris, _ = time.LoadLocation("Europe/Paris")

// refusal writes a refusal for the terminal: each field's French message
// after the option it is about.
func refusal(err error) error {
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code == apperr.Internal {
		return err
	}
	if len(e.Fields) == 0 {
		return errors.New(e.Message)
	}
	var keys []string
	for k := range e.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	msg := ""
	for i, k := range keys {
		if i > 0 {
			msg += "\n"
		}
		msg += "-" + k + " : " + e.Fields[k]
	}
	return errors.New(msg)
}
