package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/calendar"
	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
	"guichet/workflow"
)

// permRequest is one request to a back-office route, as gin names the
// route, with the permission the route (or the workflow action) requires.
type permRequest struct {
	method, route string
	need          perm.Permission // "": none (public, or any signed-in agent)
	path          string
	form          url.Values
}

// permWorld is what the permission table acts on.
type permWorld struct {
	submitted, accepted *models.Demand
	file                *models.Attachment
	spare               *models.Profile // no agent has it
	closure             *models.Closure
	conv                *models.Conversation
	convFile, tag       int64
	otherTag            int64
	rule                *models.RoutingRule
	held                int64 // a reply of pw.conv held for validation
	motif               *models.Motif
	heldMail            int64 // a mail received from a stranger, held
	mailed              int64 // a message of conv that came by mail
	// Satisfaction: a low rating's follow-up, an experience to moderate,
	// one whose answer waits for validation.
	lowRating, pendingX, heldX int64
	article                    *models.Article
	policy                     *models.DeadlinePolicy
}

func newPermWorld(t *testing.T, a *app) permWorld {
	pw := permWorld{submitted: a.DemandAt(t, fixture.AtSubmitted), accepted: a.DemandAt(t, fixture.AtAccepted)}
	pw.file = a.attach(pw.submitted, "", "note.pdf", pdfFile(100))
	pw.spare = a.NewProfile(t, "Profil de réserve", perm.Set{perm.See})
	pont := calendar.D(2026, 5, 15)
	pw.closure = models.NewClosure(a.Commune.ID, calendar.Closure{From: pont, To: pont, Label: "Pont"})
	fixture.Must(t, models.CreateClosure(context.Background(), a.DB, pw.closure))
	pw.conv = a.openConversation(t, "camille@exemple.fr", "Une question", "Bonjour, une question.")
	mustStatus(t, a.signIn(a.Accueil).postMessage("/gestion/messages/"+itoa(pw.conv.ID)+"/messages",
		map[string]string{"mode": "note", "message": "Note avec pièce."}, &upload{Name: "note.pdf", Content: pdfFile(100)}), http.StatusSeeOther)
	fixture.Must(t, a.DB.NewRaw("SELECT id FROM conversation_files WHERE conversation_id = ?", pw.conv.ID).Scan(t.Context(), &pw.convFile))
	for _, name := range []string{"Usager perdu", "Transfert"} {
		fixture.Must(t, a.App.Conversations.Tag(t.Context(), workflow.AgentActor(a.Accueil), pw.conv.ID, name, false))
	}
	tags, err := models.Tags(t.Context(), a.DB, a.Commune.ID)
	fixture.Must(t, err)
	pw.tag, pw.otherTag = tags[0].ID, tags[1].ID
	pw.rule = &models.RoutingRule{CommuneID: a.Commune.ID, Name: "Voirie", Enabled: true,
		Actions: []models.RuleAction{{Kind: "priority", Priority: 3}}}
	fixture.Must(t, models.CreateRoutingRule(context.Background(), a.DB, pw.rule, models.TriggerSubmission))
	held := a.NewAgent(t, "sous-validation", a.NewProfile(t, "Sous validation", perm.Set{perm.See, perm.ReplyValidated}))
	mustStatus(t, a.signIn(held).postMessage("/gestion/messages/"+itoa(pw.conv.ID)+"/messages",
		map[string]string{"mode": "reponse", "message": "Réponse à valider."}, nil), http.StatusSeeOther)
	fixture.Must(t, a.DB.NewRaw("SELECT id FROM pending_replies WHERE conversation_id = ?", pw.conv.ID).Scan(t.Context(), &pw.held))
	pw.motif = &models.Motif{CommuneID: a.Commune.ID, Name: "Voirie"}
	fixture.Must(t, models.CreateMotif(context.Background(), a.DB, pw.motif))
	reply, err := a.Notifier.ReplyAddress(a.Commune, pw.conv)
	fixture.Must(t, err)
	fixture.Must(t, a.App.Inbound.Receive(t.Context(), "tiers@exemple.fr", []string{reply},
		strings.NewReader("From: tiers@exemple.fr\r\nSubject: Re\r\nMessage-ID: <perm-held@exemple.fr>\r\n\r\nJe réponds.\r\n")))
	fixture.Must(t, a.DB.NewRaw("SELECT id FROM inbound_messages WHERE commune_id = ? AND status = 'held'", a.Commune.ID).Scan(t.Context(), &pw.heldMail))
	fixture.Must(t, a.App.Inbound.Receive(t.Context(), "camille@exemple.fr", []string{reply},
		strings.NewReader("From: camille@exemple.fr\r\nSubject: Re\r\nMessage-ID: <perm-mailed@exemple.fr>\r\n\r\nMerci.\r\n")))
	fixture.Must(t, a.DB.NewRaw("SELECT conversation_message_id FROM inbound_messages WHERE commune_id = ? AND status = 'threaded'", a.Commune.ID).Scan(t.Context(), &pw.mailed))
	pw.lowRating, pw.pendingX, pw.heldX = satisfactionWorld(t, a, pw.accepted)
	pw.article = a.article(t, "Horaires de la mairie", "La mairie ouvre à 9 h.", true)
	four := 4
	pw.policy = &models.DeadlinePolicy{CommuneID: a.Commune.ID, Name: "Voirie", FirstAnswer: &four, FirstAnswerUnit: calendar.WorkingHours, ResolutionUnit: calendar.WorkingDays}
	fixture.Must(t, models.CreateDeadlinePolicy(context.Background(), a.DB, pw.policy, a.Clock.Now()))
	return pw
}

// permissionTable is every back-office route, and every action of the
// demand page, with what it requires. A route missing from it fails
// TestEveryRouteIsInThePermissionTable: add a new route here, with the
// permission it checks.
func permissionTable(a *app, pw permWorld) []permRequest {
	sub, acc := "/gestion/demandes/"+itoa(pw.submitted.ID), "/gestion/demandes/"+itoa(pw.accepted.ID)
	confirm := func(kv ...string) url.Values {
		v := url.Values{"confirmer": {"oui"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	ver := func(d *models.Demand) string { return itoa(int64(d.Version)) }
	sup, spare := itoa(a.Supervisor.ID), itoa(pw.spare.ID)
	proc := "/gestion/admin/demarches/" + itoa(a.Procedure.ID)
	conv, cver := "/gestion/messages/"+itoa(pw.conv.ID), itoa(int64(pw.conv.Version))
	rule := "/gestion/admin/regles/" + itoa(pw.rule.ID)
	held := conv + "/a-valider/" + itoa(pw.held)
	return []permRequest{
		{"GET", "/gestion/connexion", "", "/gestion/connexion", nil},
		{"POST", "/gestion/connexion", "", "", nil},
		{"POST", "/gestion/deconnexion", "", "", nil},
		{"GET", "/gestion/mot-de-passe-oublie", "", "", nil},
		{"POST", "/gestion/mot-de-passe-oublie", "", "", nil},
		{"GET", "/gestion/reinitialisation/:token", "", "", nil},
		{"POST", "/gestion/reinitialisation/:token", "", "", nil},
		{"GET", "/gestion/", "", "/gestion/", nil},
		{"GET", "/gestion/profil", "", "/gestion/profil", nil},
		{"POST", "/gestion/profil", "", "/gestion/profil", preferencesForm("never", "daily", "never")},

		{"GET", "/gestion/demandes/:id", perm.See, sub, nil},
		{"GET", "/gestion/demandes/:id", perm.See, acc, nil},
		{"GET", "/gestion/demandes/:id/impression", perm.See, sub + "/impression", nil},
		{"GET", "/gestion/demandes/:id/pieces/:fid", perm.See, sub + "/pieces/" + itoa(pw.file.ID), nil},
		{"POST", "/gestion/demandes/:id/pieces", perm.See, sub + "/pieces", nil},
		{"POST", "/gestion/demandes/:id/notes", perm.See, sub + "/notes", url.Values{"message": {"Vu."}}},
		{"POST", "/gestion/demandes/:id/regles", perm.Decide, sub + "/regles", nil},
		{"POST", "/gestion/demandes/:id/motif", perm.Decide, sub + "/motif", url.Values{"motif": {itoa(pw.motif.ID)}}},
		{"POST", "/gestion/demandes/:id/actions/:action", perm.Decide, sub + "/actions/accepter", confirm("version", ver(pw.submitted))},
		{"POST", "/gestion/demandes/:id/actions/:action", perm.Decide, sub + "/actions/refuser", confirm("version", ver(pw.submitted), "message", "Hors délai.")},
		{"POST", "/gestion/demandes/:id/actions/:action", perm.Decide, sub + "/actions/correction", confirm("version", ver(pw.submitted), "message", "Précisez.")},
		{"POST", "/gestion/demandes/:id/actions/:action", perm.Transfer, sub + "/actions/transmettre", confirm("version", ver(pw.submitted), "service", itoa(a.Voirie.ID))},
		{"POST", "/gestion/demandes/:id/actions/:action", perm.Supervise, acc + "/actions/archiver", confirm("version", ver(pw.accepted))},

		{"POST", "/gestion/demandes/:id/etiquettes", perm.See, sub + "/etiquettes", url.Values{"etiquette": {"Voirie"}}},
		{"POST", "/gestion/demandes/:id/etiquettes/retirer", perm.See, sub + "/etiquettes/retirer", url.Values{"etiquette": {"Voirie"}}},

		{"GET", "/gestion/messages", perm.Reply, "/gestion/messages", nil},
		{"POST", "/gestion/messages", perm.Reply, "/gestion/messages", url.Values{"objet": {"Appel"}, "email": {"x@exemple.fr"}, "canal": {"phone"}, "message": {"Appel reçu."}}},
		{"GET", "/gestion/messages/nouvelle", perm.Reply, "/gestion/messages/nouvelle", nil},
		{"GET", "/gestion/messages/reponses", perm.Reply, "/gestion/messages/reponses", nil},
		{"POST", "/gestion/messages/reponses", perm.Reply, "/gestion/messages/reponses", url.Values{"titre": {"Merci"}, "texte": {"Merci {nom}."}}},
		{"GET", "/gestion/messages/:id", perm.Reply, conv, nil},
		{"POST", "/gestion/messages/:id/messages", perm.Reply, conv + "/messages", url.Values{"mode": {"reponse"}, "message": {"Bonjour."}}},
		{"GET", "/gestion/messages/:id/pieces/:fid", perm.Reply, conv + "/pieces/" + itoa(pw.convFile), nil},
		{"GET", "/gestion/messages/:id/messages/:mid/source", perm.Reply, conv + "/messages/" + itoa(pw.mailed) + "/source", nil},
		{"POST", "/gestion/messages/:id/statut", perm.Reply, conv + "/statut", url.Values{"version": {cver}, "statut": {"resolved"}}},
		{"POST", "/gestion/messages/:id/attribution", perm.Reply, conv + "/attribution", url.Values{"version": {cver}, "agent": {"moi"}}},
		{"POST", "/gestion/messages/:id/equipe", perm.Reply, conv + "/equipe", url.Values{"version": {cver}, "equipe": {itoa(a.Voirie.ID)}}},
		{"POST", "/gestion/messages/:id/etiquettes", perm.Reply, conv + "/etiquettes", url.Values{"etiquette": {"Transfert"}}},
		{"POST", "/gestion/messages/:id/etiquettes/retirer", perm.Reply, conv + "/etiquettes/retirer", url.Values{"etiquette": {"Usager perdu"}}},
		{"POST", "/gestion/messages/:id/fusion", perm.Reply, conv + "/fusion", url.Values{"avec": {pw.conv.Reference}}},
		{"POST", "/gestion/messages/:id/transfert", perm.Reply, conv + "/transfert", url.Values{"email": {"prefecture@exemple.fr"}, "message": {"Pour vous."}}},
		{"POST", "/gestion/messages/:id/a-valider/:rid/modifier", perm.Reply, held + "/modifier", url.Values{"version": {"1"}, "message": {"Corrigée."}}},
		{"POST", "/gestion/messages/:id/a-valider/:rid/envoyer", perm.Validate, held + "/envoyer", url.Values{"version": {"1"}, "message": {"Validée."}}},
		{"POST", "/gestion/messages/:id/a-valider/:rid/renvoyer", perm.Validate, held + "/renvoyer", url.Values{"version": {"1"}, "commentaire": {"À revoir."}}},

		{"GET", "/gestion/supervision", perm.Supervise, "/gestion/supervision", nil},
		{"GET", "/gestion/supervision/indicateurs", perm.Supervise, "/gestion/supervision/indicateurs", nil},
		{"GET", "/gestion/supervision/courriels", perm.Supervise, "/gestion/supervision/courriels", nil},
		{"GET", "/gestion/supervision/courriels/:mid/source", perm.Supervise, "/gestion/supervision/courriels/" + itoa(pw.heldMail) + "/source", nil},
		{"POST", "/gestion/supervision/courriels/:mid/accepter", perm.Supervise, "/gestion/supervision/courriels/" + itoa(pw.heldMail) + "/accepter", nil},
		{"POST", "/gestion/supervision/courriels/:mid/rejouer", perm.Supervise, "/gestion/supervision/courriels/" + itoa(pw.heldMail) + "/rejouer", nil},
		{"GET", "/gestion/supervision/export.csv", perm.Export, "/gestion/supervision/export.csv", nil},
		{"GET", "/gestion/supervision/export.xlsx", perm.Export, "/gestion/supervision/export.xlsx", nil},

		{"GET", "/gestion/admin/commune", perm.Administer, "/gestion/admin/commune", nil},
		{"POST", "/gestion/admin/commune", perm.Administer, "/gestion/admin/commune", url.Values{"nom": {"Renommée"}}},
		{"POST", "/gestion/admin/commune/logo", perm.Administer, "/gestion/admin/commune/logo", nil},
		{"POST", "/gestion/admin/commune/logo/supprimer", perm.Administer, "/gestion/admin/commune/logo/supprimer", nil},
		{"GET", "/gestion/admin/agents", perm.Administer, "/gestion/admin/agents", nil},
		{"POST", "/gestion/admin/agents", perm.Administer, "/gestion/admin/agents",
			url.Values{"nom": {"Nouvel Agent"}, "email": {"nouvel.agent@mairie.test"}, "profil": {spare}}},
		{"POST", "/gestion/admin/agents/:aid/desactiver", perm.Administer, "/gestion/admin/agents/" + sup + "/desactiver", nil},
		{"POST", "/gestion/admin/agents/:aid/reactiver", perm.Administer, "/gestion/admin/agents/" + sup + "/reactiver", nil},
		{"POST", "/gestion/admin/agents/:aid/invitation", perm.Administer, "/gestion/admin/agents/" + sup + "/invitation", nil},
		{"POST", "/gestion/admin/agents/:aid/profil", perm.Administer, "/gestion/admin/agents/" + sup + "/profil", url.Values{"profil": {spare}}},
		{"GET", "/gestion/admin/profils", perm.Administer, "/gestion/admin/profils", nil},
		{"POST", "/gestion/admin/profils", perm.Administer, "/gestion/admin/profils", url.Values{"nom": {"Nouveau"}, "permissions": {"voir"}}},
		{"GET", "/gestion/admin/profils/:pid", perm.Administer, "/gestion/admin/profils/" + spare, nil},
		{"POST", "/gestion/admin/profils/:pid", perm.Administer, "/gestion/admin/profils/" + spare,
			url.Values{"nom": {"Renommé"}, "version": {itoa(int64(pw.spare.Version))}}},
		{"POST", "/gestion/admin/profils/:pid/supprimer", perm.Administer, "/gestion/admin/profils/" + spare + "/supprimer", nil},
		{"GET", "/gestion/admin/voies", perm.Administer, "/gestion/admin/voies", nil},
		{"POST", "/gestion/admin/voies", perm.Administer, "/gestion/admin/voies", nil},
		{"GET", "/gestion/admin/demarches", perm.Administer, "/gestion/admin/demarches", nil},
		{"POST", "/gestion/admin/demarches/import", perm.Administer, "/gestion/admin/demarches/import", nil},
		{"GET", "/gestion/admin/demarches/nouvelle", perm.Administer, "/gestion/admin/demarches/nouvelle", nil},
		{"POST", "/gestion/admin/demarches/nouvelle", perm.Administer, "/gestion/admin/demarches/nouvelle", url.Values{"titre": {"Nouvelle"}, "slug": {"nouvelle"}}},
		{"GET", "/gestion/admin/demarches/:pid", perm.Administer, proc, nil},
		{"POST", "/gestion/admin/demarches/:pid", perm.Administer, proc, url.Values{"titre": {"Renommée"}}},
		{"GET", "/gestion/admin/demarches/:pid/apercu", perm.Administer, proc + "/apercu", nil},
		{"POST", "/gestion/admin/demarches/:pid/apercu/:op", perm.Administer, proc + "/apercu/deposer", nil},
		{"POST", "/gestion/admin/demarches/:pid/publier", perm.Administer, proc + "/publier", nil},
		{"POST", "/gestion/admin/demarches/:pid/depublier", perm.Administer, proc + "/depublier", nil},
		{"POST", "/gestion/admin/demarches/:pid/dupliquer", perm.Administer, proc + "/dupliquer", url.Values{"slug": {"copie"}}},
		{"GET", "/gestion/admin/demarches/:pid/export.yaml", perm.Administer, proc + "/export.yaml", nil},
		{"GET", "/gestion/admin/regles", perm.Administer, "/gestion/admin/regles", nil},
		{"POST", "/gestion/admin/regles/mode", perm.Administer, "/gestion/admin/regles/mode", url.Values{"mode": {"all"}}},
		{"POST", "/gestion/admin/regles/transfert-automatique", perm.Administer, "/gestion/admin/regles/transfert-automatique", url.Values{"auto": {itoa(a.Procedure.ID)}}},
		{"GET", "/gestion/admin/regles/nouvelle", perm.Administer, "/gestion/admin/regles/nouvelle", nil},
		{"POST", "/gestion/admin/regles/nouvelle", perm.Administer, "/gestion/admin/regles/nouvelle", url.Values{"nom": {"Nouvelle"}, "priorite": {"4"}}},
		{"GET", "/gestion/admin/regles/:rid", perm.Administer, rule, nil},
		{"POST", "/gestion/admin/regles/:rid", perm.Administer, rule, url.Values{"nom": {"Renommée"}, "priorite": {"4"}, "version": {itoa(int64(pw.rule.Version))}}},
		{"POST", "/gestion/admin/regles/:rid/monter", perm.Administer, rule + "/monter", nil},
		{"POST", "/gestion/admin/regles/:rid/descendre", perm.Administer, rule + "/descendre", nil},
		{"POST", "/gestion/admin/regles/:rid/activer", perm.Administer, rule + "/activer", nil},
		{"POST", "/gestion/admin/regles/:rid/desactiver", perm.Administer, rule + "/desactiver", nil},
		{"GET", "/gestion/admin/motifs", perm.Administer, "/gestion/admin/motifs", nil},
		{"POST", "/gestion/admin/motifs", perm.Administer, "/gestion/admin/motifs", url.Values{"nom": {"Culture"}}},
		{"POST", "/gestion/admin/motifs/:mid", perm.Administer, "/gestion/admin/motifs/" + itoa(pw.motif.ID), url.Values{"nom": {"Voirie et trottoirs"}}},
		{"POST", "/gestion/admin/motifs/:mid/desactiver", perm.Administer, "/gestion/admin/motifs/" + itoa(pw.motif.ID) + "/desactiver", nil},
		{"POST", "/gestion/admin/motifs/:mid/reactiver", perm.Administer, "/gestion/admin/motifs/" + itoa(pw.motif.ID) + "/reactiver", nil},
		{"GET", "/gestion/admin/calendrier", perm.Administer, "/gestion/admin/calendrier", nil},
		{"GET", "/gestion/admin/calendrier/essai", perm.Administer, "/gestion/admin/calendrier/essai?date=2026-09-08&heure=11:00&nombre=2&unite=heures_ouvrees", nil},
		{"POST", "/gestion/admin/calendrier/alsace-moselle", perm.Administer, "/gestion/admin/calendrier/alsace-moselle", url.Values{"alsace_moselle": {"oui"}}},
		{"POST", "/gestion/admin/calendrier/fermetures", perm.Administer, "/gestion/admin/calendrier/fermetures",
			url.Values{"motif": {"Été"}, "du": {"2026-08-03"}, "au": {"2026-08-21"}}},
		{"POST", "/gestion/admin/calendrier/fermetures/:fid/supprimer", perm.Administer, "/gestion/admin/calendrier/fermetures/" + itoa(pw.closure.ID) + "/supprimer", nil},
		{"GET", "/gestion/admin/etiquettes", perm.Administer, "/gestion/admin/etiquettes", nil},
		{"POST", "/gestion/admin/etiquettes/:tid/renommer", perm.Administer, "/gestion/admin/etiquettes/" + itoa(pw.tag) + "/renommer", url.Values{"etiquette": {"Perdu"}}},
		{"POST", "/gestion/admin/etiquettes/:tid/fusionner", perm.Administer, "/gestion/admin/etiquettes/" + itoa(pw.tag) + "/fusionner", url.Values{"dans": {itoa(pw.otherTag)}}},
		{"GET", "/gestion/admin/services", perm.Administer, "/gestion/admin/services", nil},
		{"POST", "/gestion/admin/services", perm.Administer, "/gestion/admin/services", url.Values{"nom": {"Culture"}, "email": {"culture@mairie.test"}}},
		{"POST", "/gestion/admin/services/:sid/desactiver", perm.Administer, "/gestion/admin/services/" + itoa(a.Urbanisme.ID) + "/desactiver", nil},
		{"POST", "/gestion/admin/services/:sid/reactiver", perm.Administer, "/gestion/admin/services/" + itoa(a.Urbanisme.ID) + "/reactiver", nil},
		{"POST", "/gestion/admin/services/:sid/lien-tableau", perm.Administer, "/gestion/admin/services/" + itoa(a.Urbanisme.ID) + "/lien-tableau", confirm()},
		{"POST", "/gestion/admin/services/:sid/revoquer-liens", perm.Administer, "/gestion/admin/services/" + itoa(a.Urbanisme.ID) + "/revoquer-liens", confirm()},
		// Escalation to level 2 (issue 16, item 3).
		{"POST", "/gestion/messages/:id/escalade", perm.Escalate, conv + "/escalade", url.Values{"niveau2": {itoa(a.Voirie.ID)}, "reformulation": {"Difficile."}}},
		{"POST", "/gestion/messages/:id/escalade/:eid/retirer", perm.Escalate, conv + "/escalade/1/retirer", nil},
		{"POST", "/gestion/demandes/:id/escalade", perm.Escalate, sub + "/escalade", url.Values{"niveau2": {itoa(a.Voirie.ID)}, "reformulation": {"Difficile."}}},
		{"POST", "/gestion/demandes/:id/escalade/:eid/retirer", perm.Escalate, sub + "/escalade/1/retirer", nil},
		{"POST", "/gestion/messages/:id/regles", perm.Reply, conv + "/regles", nil},

		{"GET", "/gestion/satisfaction", perm.See, "/gestion/satisfaction", nil},
		{"GET", "/gestion/supervision/suivis", perm.Supervise, "/gestion/supervision/suivis", nil},
		{"POST", "/gestion/supervision/suivis/:rid", perm.Supervise, "/gestion/supervision/suivis/" + itoa(pw.lowRating), url.Values{"suivi": {"Rappelé."}}},
		{"GET", "/gestion/supervision/avis", perm.Supervise, "/gestion/supervision/avis", nil},
		{"GET", "/gestion/supervision/avis/:xid", perm.Supervise, "/gestion/supervision/avis/" + itoa(pw.pendingX), nil},
		{"POST", "/gestion/supervision/avis/:xid/moderation", perm.Supervise, "/gestion/supervision/avis/" + itoa(pw.pendingX) + "/moderation",
			url.Values{"action": {"publier"}, "service": {itoa(a.Voirie.ID)}}},
		{"POST", "/gestion/supervision/avis/:xid/validation", perm.Validate, "/gestion/supervision/avis/" + itoa(pw.heldX) + "/validation",
			url.Values{"reponse": {"Merci, nous avons réparé le lampadaire."}}},
		{"GET", "/gestion/admin/obligations", perm.Administer, "/gestion/admin/obligations", nil},
		{"POST", "/gestion/admin/obligations", perm.Administer, "/gestion/admin/obligations", url.Values{"niveau": {"non"}, "version": {"1"}}},
		{"GET", "/gestion/articles", perm.Reply, "/gestion/articles", nil},
		{"GET", "/gestion/articles/nouveau", perm.Reply, "/gestion/articles/nouveau", nil},
		{"POST", "/gestion/articles/nouveau", perm.Reply, "/gestion/articles/nouveau", url.Values{"titre": {"Nouvel article"}, "texte": {"Texte."}}},
		{"GET", "/gestion/articles/:aid", perm.Reply, "/gestion/articles/" + itoa(pw.article.ID), nil},
		{"POST", "/gestion/articles/:aid", perm.Reply, "/gestion/articles/" + itoa(pw.article.ID),
			url.Values{"titre": {"Horaires"}, "texte": {"Texte."}, "version": {itoa(int64(pw.article.Version))}}},
		// Retention and the citizens' rights (issue 17).
		{"GET", "/gestion/supervision/conservation", perm.Supervise, "/gestion/supervision/conservation", nil},
		{"GET", "/gestion/supervision/donnees-personnelles", perm.Supervise, "/gestion/supervision/donnees-personnelles?email=camille%40exemple.fr", nil},
		{"POST", "/gestion/supervision/donnees-personnelles/export", perm.Supervise, "/gestion/supervision/donnees-personnelles/export", url.Values{"email": {"camille@exemple.fr"}}},
		{"POST", "/gestion/supervision/donnees-personnelles/effacer", perm.Supervise, "/gestion/supervision/donnees-personnelles/effacer",
			url.Values{"email": {"camille@exemple.fr"}, "motif": {"request"}, "confirmation": {"oui"}}},
		{"POST", "/gestion/admin/demarches/conservation", perm.Administer, "/gestion/admin/demarches/conservation",
			url.Values{"conservation-" + itoa(a.Procedure.ID): {"24"}, "conservation-conversations": {"6"}}},
		{"GET", "/gestion/admin/echeances", perm.Administer, "/gestion/admin/echeances", nil},
		{"POST", "/gestion/admin/echeances", perm.Administer, "/gestion/admin/echeances", url.Values{"nom": {"Urbanisme"}, "resolution": {"10"},
			"premiere_reponse_unite": {"heures_ouvrees"}, "resolution_unite": {"jours_ouvres"}}},
		{"GET", "/gestion/admin/echeances/:did", perm.Administer, "/gestion/admin/echeances/" + itoa(pw.policy.ID), nil},
		{"POST", "/gestion/admin/echeances/:did", perm.Administer, "/gestion/admin/echeances/" + itoa(pw.policy.ID), url.Values{"nom": {"Voirie"},
			"premiere_reponse": {"8"}, "premiere_reponse_unite": {"heures_ouvrees"}, "resolution_unite": {"jours_ouvres"}, "version": {"1"}}},
		{"GET", "/gestion/supervision/echeances", perm.Supervise, "/gestion/supervision/echeances", nil},
	}
}

// Every back-office route the router knows is in the permission table:
// a route added without saying what it requires fails here.
func TestEveryRouteIsInThePermissionTable(t *testing.T) {
	a := newApp(t)
	known := map[string]bool{}
	for _, rq := range permissionTable(a, newPermWorld(t, a)) {
		known[rq.method+" "+rq.route] = true
	}
	for _, r := range a.Server.Router().Routes() {
		if strings.HasPrefix(r.Path, "/gestion") && !known[r.Method+" "+r.Path] {
			t.Errorf("%s %s is not in permissionTable (handlers/permissions_test.go): add it with the permission it requires", r.Method, r.Path)
		}
	}
}

// notUsedYet are the permissions no route checks yet.
var notUsedYet = map[perm.Permission]bool{}

// lacking is the fullest profile without p: every other permission, but
// none about demands when p is perm.See (they suppose it). The
// conversations' routes (marked perm.Reply) take either way of replying:
// a profile lacking one lacks the other too, and perm.Validate, which
// supposes one of them.
func lacking(p perm.Permission) perm.Set {
	replying := p == perm.Reply || p == perm.ReplyValidated
	var s perm.Set
	for _, d := range perm.All {
		q := d.Permission
		if q != p && (p != perm.See || q == perm.Administer) && !(replying && (q == perm.Reply || q == perm.ReplyValidated || q == perm.Validate)) {
			s = append(s, q)
		}
	}
	return s
}

// dbDigest sums up every row an agent's request could change.
func dbDigest(t *testing.T, a *app) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"communes", "services", "agents", "profiles", "procedures", "demands", "assignments",
		"demand_events", "attachments", "outbox_mails", "password_resets", "reset_requests", "rule_sets", "routing_rules"} {
		var sum string
		fixture.Must(t, a.DB.NewRaw("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "+table+" t").
			Scan(context.Background(), &sum))
		b.WriteString(table + ":" + sum + " ")
	}
	return b.String()
}

// send makes the request as the client.
func (rq permRequest) send(c *client) *response {
	if rq.method == "GET" {
		return c.get(rq.path)
	}
	return c.post(rq.path, rq.form)
}

// offers tells whether a page links to path (its query aside) or holds a
// form sent to it.
func offers(r *response, path string) bool {
	if r.Doc == nil {
		return false
	}
	path, _, _ = strings.Cut(path, "?")
	found := false
	r.Doc.Find("a[href], form[action], button[formaction]").Each(func(_ int, s *goquery.Selection) {
		for _, attr := range []string{"href", "action", "formaction"} {
			if v, ok := s.Attr(attr); ok {
				if u, err := url.Parse(v); err == nil && u.Path == path {
					found = true
				}
			}
		}
	})
	return found
}

// For a profile lacking each permission, every route and action that
// requires it is refused (403, in French, naming the permission), changes
// nothing in the database, and is offered by none of the pages the agent
// may open (menu, links, buttons).
func TestAProfileLackingAPermissionIsRefusedAndSeesNoWayToIt(t *testing.T) {
	a := newApp(t)
	pw := newPermWorld(t, a)
	table := permissionTable(a, pw)
	for _, d := range perm.All {
		t.Run(string(d.Permission), func(t *testing.T) {
			profile := a.NewProfile(t, "Sans « "+d.Label+" »", lacking(d.Permission))
			c := a.signIn(a.NewAgent(t, "sans-"+string(d.Permission), profile))

			// The pages this agent may open, the menu's first.
			home := c.get("/gestion/")
			if home.StatusCode == http.StatusSeeOther {
				home = c.follow(home)
			}
			pages := []*response{home}
			for _, rq := range table {
				if rq.method == "GET" && rq.need != "" && profile.Has(rq.need) {
					r := rq.send(c)
					if r.StatusCode != http.StatusOK {
						t.Errorf("GET %s with %v: %d, want 200: %.200s", rq.path, profile.Permissions, r.StatusCode, text(r))
					}
					pages = append(pages, r)
				}
			}

			refused := 0
			for _, rq := range table {
				if rq.need == "" || profile.Has(rq.need) {
					continue
				}
				refused++
				name := rq.method + " " + rq.path
				before := dbDigest(t, a)
				r := rq.send(c)
				// The demand's pages are refused first for want of perm.See.
				want := rq.need
				if strings.HasPrefix(rq.route, "/gestion/demandes/") && !profile.Has(perm.See) {
					want = perm.See
				}
				if strings.HasPrefix(rq.route, "/gestion/messages") && !profile.Permissions.Converses() {
					want = perm.Reply
				}
				if r.StatusCode != http.StatusForbidden {
					t.Errorf("%s: %d, want 403: %.300s", name, r.StatusCode, text(r))
				} else if !strings.Contains(text(r), "permission « "+perm.Label(want)+" »") {
					t.Errorf("%s: the refusal does not name the permission « %s »: %.300s", name, perm.Label(want), text(r))
				}
				if after := dbDigest(t, a); after != before {
					t.Errorf("%s changed the database:\n%s\n%s", name, before, after)
				}
				for _, p := range pages {
					if offers(p, rq.path) {
						t.Errorf("%s is offered on %s", name, p.Request.URL.Path)
					}
				}
			}
			if (refused == 0) != notUsedYet[d.Permission] {
				t.Errorf("%d requests require %s: update notUsedYet", refused, d.Permission)
			}
		})
	}
}

// A profile limited to some procedures neither lists, finds, exports nor
// opens a demand of another: every route on it answers 404, changing
// nothing; the demands of its own procedures it handles as usual.
func TestAProfileSeesOnlyTheDemandsOfItsProcedures(t *testing.T) {
	a := newApp(t)
	pw := newPermWorld(t, a)
	ctx := context.Background()
	mine := &models.Procedure{CommuneID: a.Commune.ID, Slug: "etat-civil", Active: true,
		ProcedureVersion: models.ProcedureVersion{Title: "Acte d'état civil", Form: []models.Field{{Name: "nom", Label: "Nom", Type: "text", Required: true}}}}
	fixture.Must(t, models.CreateProcedure(ctx, a.DB, mine))
	all := perm.Set{}
	for _, d := range perm.All {
		all = append(all, d.Permission)
	}
	c := a.signIn(a.NewAgent(t, "etat-civil", a.NewProfile(t, "État civil", all, mine.ID)))

	for _, rq := range permissionTable(a, pw) {
		if !strings.HasPrefix(rq.route, "/gestion/demandes/:id") {
			continue
		}
		before := dbDigest(t, a)
		r := rq.send(c)
		if r.StatusCode != http.StatusNotFound || !strings.Contains(text(r), "n'existe pas") {
			t.Errorf("%s %s: %d, want 404 in French: %.200s", rq.method, rq.path, r.StatusCode, text(r))
		}
		if after := dbDigest(t, a); after != before {
			t.Errorf("%s %s changed the database", rq.method, rq.path)
		}
	}
	for _, path := range []string{"/gestion/", "/gestion/supervision?etat=tous", "/gestion/supervision?q=" + url.QueryEscape(pw.submitted.Reference),
		"/gestion/?q=" + url.QueryEscape(pw.submitted.TrackingCode), "/gestion/supervision/export.csv?etat=tous"} {
		r := c.get(path)
		mustStatus(t, r, http.StatusOK)
		shown := r.Body // the export's lines
		if !strings.Contains(path, "export") {
			shown = strings.Join(rowRefs(r), " ") // a list's rows (a search echoes what was typed)
		}
		for _, d := range []*models.Demand{pw.submitted, pw.accepted} {
			if strings.Contains(shown, d.Reference) {
				t.Errorf("%s shows %s, of a procedure out of the profile", path, d.Reference)
			}
		}
		if strings.Contains(r.Body, a.Procedure.Title) {
			t.Errorf("%s offers the procedure %q, out of the profile", path, a.Procedure.Title)
		}
	}

	// Its own procedure's demand: listed and opened.
	d, err := models.NewDraft(ctx, a.DB, mine, "usager@exemple.fr", a.Clock.Now())
	fixture.Must(t, err)
	d = a.Apply(t, d, workflow.Submit, a.Citizen(d), workflow.Input{Data: map[string]any{"nom": "Claude Dupont"}})
	mustContain(t, c.get("/gestion/"), d.Reference)
	mustStatus(t, c.get("/gestion/demandes/"+itoa(d.ID)), http.StatusOK)
}
