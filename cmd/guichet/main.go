// Command guichet runs the one-stop shop: its web server, its migrations, its
// demo data and its operator commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Usage : guichet <commande> [options]

Commandes :
  serve                    démarre le serveur web (migre la base au démarrage)
  migrate                  applique les migrations de la base
  demo                     charge la commune de démonstration « Plassans »
  diagram                  affiche la machine à états (Mermaid)
  commune add|list|deactivate|reactivate
                           crée une commune et son premier administrateur, liste
                           les communes, ferme ou rouvre le guichet d'une commune
  agent add                crée un agent (voir guichet agent add -h)
  procedure import FICHIER importe des démarches d'un fichier YAML ou JSON
  streets import FICHIER   importe les voies d'une commune (export CSV de la Base
                           Adresse Nationale, adresses-XXXXX.csv)
  service board-link       envoie à un service le lien de son tableau de bord
  service revoke           révoque tous les liens d'un service
  backup -o RÉPERTOIRE     sauvegarde la base (pg_dump) et les fichiers déposés
  restore -i RÉPERTOIRE    restaure une sauvegarde dans une base vide
  keygen                   affiche une nouvelle clé pour LINK_KEYS
  audit verify|pubkey|keygen
                           vérifie que l'historique n'a pas été modifié, affiche la clé
                           publique des condensés signés, ou une nouvelle clé de signature
  bench seed|run           remplit une base de démonstration à grande échelle et mesure
                           les performances (voir docs/PERFORMANCE.md)

Sans DATABASE_URL, guichet démarre sa propre base PostgreSQL dans DATA_DIR/pg.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "guichet:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("commande manquante")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest)
	case "migrate":
		return withDB(ctx, func(e *env) error { fmt.Println("Base à jour."); return nil })
	case "demo":
		return withDB(ctx, func(e *env) error { return loadDemo(ctx, e, true) })
	case "diagram":
		return diagram()
	case "commune":
		return communeCmd(ctx, rest, os.Stdout)
	case "agent":
		return agentCmd(ctx, rest)
	case "procedure":
		return procedureCmd(ctx, rest)
	case "service":
		return serviceCmd(ctx, rest)
	case "streets":
		return streetsCmd(ctx, rest)
	case "backup":
		return backupCmd(ctx, rest)
	case "restore":
		return restoreCmd(ctx, rest)
	case "keygen":
		return keygen()
	case "audit":
		return auditCmd(ctx, rest, os.Stdout)
	case "bench":
		return benchCmd(ctx, rest)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("commande inconnue : %q", cmd)
}
