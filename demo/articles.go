package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"guichet/articles"
	"guichet/models"
)

// demoArticles are Plassans's help articles: public ones the portal
// suggests as a citizen types, and an internal one for the agents.
var demoArticles = []struct {
	Title, Body string
	Public      bool
	Procedure   string // the slug of the procedure it is tied to, if any
}{
	{"Jours de collecte des poubelles", "Les **ordures ménagères** sont ramassées le *mardi* et le *vendredi* matin, les déchets recyclables (bac jaune) le **mercredi**.\n\nSortez votre bac la veille au soir et rentrez-le après le passage du camion.\n\n- Jours fériés : la collecte est décalée au lendemain.\n- Encombrants : sur rendez-vous, au 04 42 00 00 00.\n\nUn bac non vidé ? Signalez-le avec la démarche « Signalement d'un dysfonctionnement ».", true, "signalement-dysfonctionnement"},
	{"Obtenir un acte de naissance", "Demandez-le en ligne avec la démarche « Demande d'acte d'état civil » : la copie intégrale ou l'extrait vous est envoyé par courrier, gratuitement.\n\nIndiquez le nom, les prénoms et la date de naissance de la personne, et le nom de ses parents.", true, "acte-etat-civil"},
	{"Horaires de la mairie", "La mairie est ouverte du **lundi au vendredi**, de 8 h 30 à 12 h et de 13 h 30 à 17 h.\n\nL'accueil téléphonique suit les mêmes horaires.", true, ""},
	{"Réponse type : bacs abîmés", "Les bacs abîmés sont remplacés par la communauté d'agglomération, pas par la mairie : orienter l'usager vers son service déchets.", false, ""},
}

// loadArticles writes the demo's articles, as its accueil agent, at now.
func loadArticles(ctx context.Context, db *bun.DB, c *models.Commune, now time.Time) error {
	agent, err := models.AgentByEmail(ctx, db, "agent@plassans.fr")
	if err != nil {
		return fmt.Errorf("demo articles: %w", err)
	}
	ps, err := models.ListProcedures(ctx, db, c.ID)
	if err != nil {
		return err
	}
	for _, a := range demoArticles {
		in := articles.Input{Title: a.Title, Body: a.Body, Public: a.Public}
		if i := slices.IndexFunc(ps, func(p models.Procedure) bool { return p.Slug == a.Procedure }); i >= 0 {
			in.ProcedureIDs = []int64{ps[i].ID}
		}
		if _, err := articles.Save(ctx, db, agent, 0, in, now); err != nil {
			return fmt.Errorf("demo article %q: %w", a.Title, err)
		}
	}
	return nil
}
