package demo

import (
	"net/url"

	"guichet/perm"
	"guichet/workflow"
)

// The demo's stories: who asked what, and what the commune did with it.
// Every state of the lifecycle is reached on each procedure that has it.

// Who acts, by their demo login's profile.
const (
	accueil     = perm.AccueilProfile
	superviseur = perm.SupervisorProfile
)

// paths are what may happen to a demand after it is submitted; a path
// naming a service ("S") gets the story's service, "T" the other one.
var paths = map[string][]step{
	"submitted":             nil,
	"correction (accueil)":  {{ev: workflow.RequestCorrection, by: accueil, message: "Pouvez-vous préciser l'adresse exacte (numéro et rue) ?", fields: []string{"adresse"}, hours: 20}},
	"corrected (accueil)":   {{ev: workflow.RequestCorrection, by: accueil, message: "Merci de préciser l'adresse exacte.", fields: []string{"adresse"}, hours: 6}, {ev: workflow.Resubmit, by: "usager", hours: 30}},
	"transferred":           {{ev: workflow.Transfer, by: accueil, service: "S", hours: 4}},
	"correction (service)":  {{ev: workflow.Transfer, by: accueil, service: "S", hours: 3}, {ev: workflow.RequestCorrection, by: "S", message: "Il nous manque une précision pour intervenir : merci de compléter la description.", fields: []string{"description"}, hours: 26}},
	"corrected (service)":   {{ev: workflow.Transfer, by: accueil, service: "S", hours: 5}, {ev: workflow.RequestCorrection, by: "S", message: "Merci de compléter la description.", fields: []string{"description"}, hours: 22}, {ev: workflow.Resubmit, by: "usager", hours: 14}},
	"returned":              {{ev: workflow.Transfer, by: accueil, service: "S", hours: 2}, {ev: workflow.ReturnToGuichet, by: "S", message: "Ce n'est pas de notre ressort : voyez avec un autre service.", hours: 28}},
	"returned and sent on":  {{ev: workflow.Transfer, by: accueil, service: "S", hours: 3}, {ev: workflow.ReturnToGuichet, by: "S", message: "Relève plutôt d'un autre service.", hours: 20}, {ev: workflow.Transfer, by: accueil, service: "T", hours: 4}},
	"accepted (accueil)":    {{ev: workflow.Accept, by: accueil, hours: 24}},
	"refused (accueil)":     {{ev: workflow.Refuse, by: accueil, message: "Cette demande ne relève pas de la commune : adressez-vous à la Métropole.", hours: 30}},
	"accepted (service)":    {{ev: workflow.Transfer, by: accueil, service: "S", hours: 3}, {ev: workflow.Accept, by: "S", hours: 70}},
	"refused (service)":     {{ev: workflow.Transfer, by: accueil, service: "S", hours: 5}, {ev: workflow.Refuse, by: "S", message: "L'emplacement demandé est déjà réservé à ces dates.", hours: 50}},
	"archived":              {{ev: workflow.Transfer, by: accueil, service: "S", hours: 2}, {ev: workflow.Accept, by: "S", hours: 48}, {ev: workflow.Archive, by: superviseur, hours: 200}},
	"refused and archived":  {{ev: workflow.Refuse, by: accueil, message: "Demande en double d'une demande déjà traitée.", hours: 10}, {ev: workflow.Archive, by: superviseur, hours: 150}},
	"accepted and archived": {{ev: workflow.Accept, by: accueil, hours: 30}, {ev: workflow.Archive, by: superviseur, hours: 180}},
	"correction (acte)":     {{ev: workflow.RequestCorrection, by: accueil, message: "La pièce d'identité jointe est illisible : merci d'en joindre une nouvelle copie.", fields: []string{"justificatif"}, hours: 18}},
	"corrected (acte)":      {{ev: workflow.RequestCorrection, by: accueil, message: "Merci de préciser les prénoms de la personne concernée.", fields: []string{"personne"}, hours: 8}, {ev: workflow.Resubmit, by: "usager", hours: 20}},
	"refused (acte)":        {{ev: workflow.Refuse, by: accueil, message: "Cet acte n'a pas été enregistré à Plassans : adressez-vous à la mairie du lieu de l'événement.", hours: 26}},
}

var people = []citizen{
	{"Marie Mouret", "marie.mouret@exemple.fr"}, {"Félicité Rougon", "felicite.rougon@exemple.fr"}, {"Pierre Rougon", "p.rougon@exemple.fr"},
	{"Octave Mouret", "octave.mouret@exemple.fr"}, {"Serge Mouret", "serge.mouret@exemple.fr"}, {"Désirée Mouret", "desiree.m@exemple.fr"},
	{"Hélène Grandjean", "helene.grandjean@exemple.fr"}, {"Silvère Mouret", "silvere@exemple.fr"}, {"Miette Chantegreil", "miette.chantegreil@exemple.fr"},
	{"Antoine Macquart", "antoine.macquart@exemple.fr"}, {"Gervaise Macquart", "gervaise.m@exemple.fr"}, {"Lisa Quenu", "lisa.quenu@exemple.fr"},
	{"Aristide Saccard", "a.saccard@exemple.fr"}, {"Pascal Rougon", "docteur.pascal@exemple.fr"}, {"Clotilde Rougon", "clotilde.r@exemple.fr"},
	{"Martine Fabre", "martine.fabre@exemple.fr"}, {"Youssef Benali", "youssef.benali@exemple.fr"}, {"Léa Nguyen", "lea.nguyen@exemple.fr"},
	{"Jean-Baptiste Roux", "jb.roux@exemple.fr"}, {"Inès Garcia", "ines.garcia@exemple.fr"}, {"Thomas Lefèvre", "thomas.lefevre@exemple.fr"},
	{"Aurélie Fontaine", "aurelie.fontaine@exemple.fr"}, {"Karim Haddad", "karim.haddad@exemple.fr"}, {"Sophie Chevalier", "sophie.chevalier@exemple.fr"},
	{"Étienne Lantier", "etienne.lantier@exemple.fr"}, {"Claire Dumas", "claire.dumas@exemple.fr"}, {"Mathieu Girard", "mathieu.girard@exemple.fr"},
	{"Zoé Marchand", "zoe.marchand@exemple.fr"}, {"Nicolas Perrin", "nicolas.perrin@exemple.fr"}, {"Amina Diallo", "amina.diallo@exemple.fr"},
}

// reports are the problems citizens report: category, place, description.
var reports = [][3]string{
	{"Éclairage public", "12 Rue de la Banne", "Le lampadaire devant le numéro 12 ne s'allume plus depuis une semaine ; la rue est très sombre le soir."},
	{"Voirie et trottoirs", "Cours Sauvaire, devant la fontaine", "Un nid-de-poule d'une vingtaine de centimètres s'est formé sur la chaussée, les vélos l'évitent au dernier moment."},
	{"Propreté", "Place Saint-Marc", "Des sacs-poubelle sont déposés au pied du platane depuis le week-end, ils attirent les chats et les pies."},
	{"Signalisation", "Rue Balande, angle de la rue de Rome", "Le panneau « stop » est tourné vers le mur : les voitures qui descendent la rue ne le voient plus."},
	{"Espaces verts", "Jardin du Mail", "Une grosse branche du marronnier pend au-dessus de l'allée centrale, elle risque de tomber sur les promeneurs."},
	{"Voirie et trottoirs", "3 Impasse Saint-Mittre", "Une dalle du trottoir est soulevée par une racine ; ma voisine en fauteuil ne peut plus passer."},
	{"Éclairage public", "Avenue Émile Zola, arrêt de bus", "L'éclairage de l'abribus clignote toute la nuit."},
	{"Propreté", "Rue Civadière", "Des tags ont été peints sur la façade de l'école pendant la nuit de samedi."},
	{"Autre", "Parking de la Sous-Préfecture", "La barrière du parking reste bloquée en position basse, les voitures ne peuvent plus sortir."},
	{"Signalisation", "Route de Nice, sortie de Plassans", "Le marquage du passage piéton a presque disparu devant la boulangerie."},
}

// occupations: company, nature, place, surface.
var occupations = [][4]string{
	{"Café du Commerce", "Terrasse", "5 Place de l'Hôtel de Ville", "18"},
	{"", "Déménagement", "27 Rue de la Banne", "12"},
	{"Bâtiments Rougon et fils", "Échafaudage", "8 Rue Balande", "25"},
	{"", "Benne", "14 Chemin de Saint-Mittre", "10"},
	{"Restaurant Le Paradou", "Terrasse", "Cours Sauvaire", "30"},
	{"Toitures du Midi", "Chantier", "2 Rue Civadière", "40"},
}

// actes: kind, form, person, date of the event.
var actes = [][4]string{
	{"Naissance", "Copie intégrale", "Mouret Marie Jeanne", "1984-05-12"},
	{"Mariage", "Extrait avec filiation", "Quenu Lisa et Quenu Charles", "2009-07-04"},
	{"Décès", "Copie intégrale", "Macquart Antoine", "2021-02-17"},
	{"Naissance", "Extrait sans filiation", "Rougon Clotilde", "1996-10-30"},
}

// plan is each story: its procedure, its path, and the service ("S") and
// the other one ("T") where the path names them.
var plan = []struct{ procedure, path, s, t string }{
	{"signalement-dysfonctionnement", "archived", "Voirie", ""},
	{"occupation-domaine-public", "archived", "Urbanisme", ""},
	{"acte-etat-civil", "accepted and archived", "", ""},
	{"signalement-dysfonctionnement", "refused and archived", "", ""},
	{"signalement-dysfonctionnement", "accepted (service)", "Voirie", ""},
	{"occupation-domaine-public", "refused (service)", "Urbanisme", ""},
	{"acte-etat-civil", "accepted (accueil)", "", ""},
	{"signalement-dysfonctionnement", "refused (accueil)", "", ""},
	{"signalement-dysfonctionnement", "accepted (accueil)", "", ""},
	{"occupation-domaine-public", "accepted (service)", "Urbanisme", ""},
	{"acte-etat-civil", "refused (acte)", "", ""},
	{"signalement-dysfonctionnement", "refused (service)", "Voirie", ""},
	{"occupation-domaine-public", "accepted (accueil)", "", ""},
	{"signalement-dysfonctionnement", "accepted (service)", "Urbanisme", ""},
	{"acte-etat-civil", "corrected (acte)", "", ""},
	{"signalement-dysfonctionnement", "corrected (accueil)", "", ""},
	{"occupation-domaine-public", "refused (accueil)", "", ""},
	{"signalement-dysfonctionnement", "returned", "Urbanisme", ""},
	{"occupation-domaine-public", "returned", "Voirie", ""},
	{"signalement-dysfonctionnement", "returned and sent on", "Urbanisme", "Voirie"},
	{"acte-etat-civil", "correction (acte)", "", ""},
	{"signalement-dysfonctionnement", "corrected (service)", "Voirie", ""},
	{"occupation-domaine-public", "corrected (service)", "Urbanisme", ""},
	{"signalement-dysfonctionnement", "correction (service)", "Voirie", ""},
	{"occupation-domaine-public", "correction (service)", "Urbanisme", ""},
	{"signalement-dysfonctionnement", "correction (accueil)", "", ""},
	{"occupation-domaine-public", "correction (accueil)", "", ""},
	{"acte-etat-civil", "submitted", "", ""},
	{"signalement-dysfonctionnement", "transferred", "Voirie", ""},
	{"signalement-dysfonctionnement", "transferred", "Urbanisme", ""},
	{"occupation-domaine-public", "transferred", "Urbanisme", ""},
	{"occupation-domaine-public", "transferred", "Voirie", ""},
	{"signalement-dysfonctionnement", "transferred", "Voirie", ""},
	{"signalement-dysfonctionnement", "returned", "Voirie", ""},
	{"occupation-domaine-public", "submitted", "", ""},
	{"acte-etat-civil", "submitted", "", ""},
	{"signalement-dysfonctionnement", "submitted", "", ""},
	{"signalement-dysfonctionnement", "submitted", "", ""},
	{"occupation-domaine-public", "corrected (accueil)", "", ""},
	{"signalement-dysfonctionnement", "submitted", "", ""},
}

// Stories are the demo's demands, oldest first: the ones long closed, then
// those still open.
func Stories() []story {
	out := make([]story, len(plan))
	for i, p := range plan {
		st := story{procedure: p.procedure, person: people[i%len(people)], values: url.Values{}}
		for _, s := range paths[p.path] {
			switch s.by {
			case "S":
				s.by = p.s
			case "T":
				s.by = p.t
			}
			switch s.service {
			case "S":
				s.service = p.s
			case "T":
				s.service = p.t
			}
			st.steps = append(st.steps, s)
		}
		v := st.values
		switch p.procedure {
		case "signalement-dysfonctionnement":
			r := reports[i%len(reports)]
			v.Set("categorie", r[0])
			v.Set("adresse", r[1])
			v.Set("description", r[2])
			if i%3 == 0 {
				v.Set("telephone", "06 12 34 56 "+twoDigits(i))
			}
		case "occupation-domaine-public":
			o := occupations[i%len(occupations)]
			v.Set("societe", o[0])
			v.Set("telephone", "04 42 27 10 "+twoDigits(i))
			v.Set("nature", o[1])
			v.Set("adresse", o[2])
			v.Set("surface", o[3])
			v["engagements"] = []string{"Je m'engage à laisser le passage libre aux piétons", "Je m'engage à remettre les lieux en état"}
			// A correction of this procedure names its own fields.
			for j := range st.steps {
				if len(st.steps[j].fields) > 0 && st.steps[j].fields[0] == "description" {
					st.steps[j].fields = []string{"surface"}
				}
			}
		case "acte-etat-civil":
			a := actes[i%len(actes)]
			v.Set("acte", a[0])
			v.Set("forme", a[1])
			v.Set("personne", a[2])
			v.Set("date_acte", a[3])
		}
		out[i] = st
	}
	return out
}

func twoDigits(i int) string { return string(rune('0'+i/10%10)) + string(rune('0'+i%10)) }
