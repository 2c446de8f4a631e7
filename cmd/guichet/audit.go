package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"flag"
	"fmt"
	"io"

	"guichet/audit"
	"guichet/config"
	"guichet/models"
)

const auditUsage = `usage :
  guichet audit verify [-commune SLUG]   vérifie la chaîne de l'historique (toutes les communes, ou une)
                                         et les condensés signés chaque jour
  guichet audit pubkey                   affiche la clé publique qui vérifie les condensés signés
  guichet audit keygen                   affiche une nouvelle clé pour AUDIT_SIGNING_KEY`

// auditCmd: the history's tamper evidence, for the operator (package audit).
func auditCmd(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", auditUsage)
	}
	switch args[0] {
	case "keygen":
		fmt.Fprintln(out, config.NewAuditKey())
		return nil
	case "pubkey":
		cfg, err := config.Load()
		if err != nil {
			return err
		}
		key, err := cfg.AuditKey()
		if err != nil {
			return err
		}
		fmt.Fprintln(out, base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)))
		return nil
	case "verify":
		fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
		slug := fs.String("commune", "", "slug de la commune (toutes si absent)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return withDB(ctx, func(e *env) error { return auditVerify(ctx, e, *slug, out) })
	}
	return fmt.Errorf("%s", auditUsage)
}

// auditVerify prints each commune's verification and fails if one did not
// pass, naming its first entry wrong.
func auditVerify(ctx context.Context, e *env, slug string, out io.Writer) error {
	key, err := e.cfg.AuditKey()
	if err != nil {
		return err
	}
	var id int64
	if slug != "" {
		c, err := models.CommuneBySlug(ctx, e.db, slug)
		if err != nil {
			return fmt.Errorf("commune %q introuvable", slug)
		}
		id = c.ID
	}
	rs, err := audit.Verify(ctx, e.db, id, key.Public().(ed25519.PublicKey))
	if err != nil {
		return err
	}
	failed := 0
	for _, r := range rs {
		if r.OK() {
			fmt.Fprintf(out, "%s : historique intact, %d entrées, %d condensés signés vérifiés.\n", r.Commune.Slug, r.Entries, r.Seals)
			continue
		}
		failed++
		fmt.Fprintf(out, "%s : HISTORIQUE ALTÉRÉ : %s\n", r.Commune.Slug, r.Problem)
	}
	if failed > 0 {
		return fmt.Errorf("l'historique de %d commune(s) sur %d ne se vérifie pas", failed, len(rs))
	}
	return nil
}
