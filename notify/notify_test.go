package notify_test

import (
	"context"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
	"guichet/testdb"
	"guichet/workflow"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// Each transition's e-mails say what a person needs: what happened, the
// reference, the message typed by the agent or service, and the right link.
func TestTransitionMails(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	acc := workflow.AgentActor(w.Accueil)
	resubmit := func(d *models.Demand) (workflow.Event, workflow.Actor, workflow.Input) {
		return workflow.Resubmit, w.Citizen(d), workflow.Input{Data: map[string]any{"nom": "Claude Dupont", "description": "Lampadaire n° 12 éteint"}}
	}
	cases := []struct {
		name    string
		setup   fixture.Setup
		ev      func(d *models.Demand) (workflow.Event, workflow.Actor, workflow.Input)
		to      func(d *models.Demand) string
		subject string
		body    []string
	}{
		{"correction", fixture.AtSubmitted,
			func(d *models.Demand) (workflow.Event, workflow.Actor, workflow.Input) {
				return workflow.RequestCorrection, acc, workflow.Input{Message: "Joignez une photo du lampadaire."}
			},
			func(d *models.Demand) string { return d.CitizenEmail },
			"une correction est nécessaire", []string{"Joignez une photo du lampadaire.", "/suivi/"}},
		{"transfer to citizen", fixture.AtSubmitted,
			func(d *models.Demand) (workflow.Event, workflow.Actor, workflow.Input) {
				return workflow.Transfer, acc, workflow.Input{ServiceID: w.Voirie.ID}
			},
			func(d *models.Demand) string { return d.CitizenEmail },
			"transmise au service voirie", []string{"a été transmise au service voirie pour traitement", "/suivi/"}},
		{"transfer to service", fixture.AtSubmitted,
			func(d *models.Demand) (workflow.Event, workflow.Actor, workflow.Input) {
				return workflow.Transfer, acc, workflow.Input{ServiceID: w.Voirie.ID}
			},
			func(d *models.Demand) string { return w.Voirie.Email },
			"à traiter", []string{"/service/", "valable jusqu'au", "renvoyer à l'accueil"}},
		{"refusal", fixture.AtSubmitted,
			func(d *models.Demand) (workflow.Event, workflow.Actor, workflow.Input) {
				return workflow.Refuse, acc, workflow.Input{Message: "Hors compétence communale."}
			},
			func(d *models.Demand) string { return d.CitizenEmail },
			"refusée", []string{"Motif : Hors compétence communale.", "/suivi/"}},
		{"acceptance", fixture.AtTransferred,
			func(d *models.Demand) (workflow.Event, workflow.Actor, workflow.Input) {
				return workflow.Accept, w.ServiceOn(d, w.Voirie), workflow.Input{}
			},
			func(d *models.Demand) string { return d.CitizenEmail },
			"acceptée", []string{"a été acceptée"}},
		{"resubmit to the accueil that asked", fixture.AtCorrectionAccueil, resubmit,
			func(d *models.Demand) string { return w.Accueil.Email },
			"corrigée par l'usager", []string{"l'accueil lui avait demandé une correction", "Réponses modifiées : Description.", "/gestion/demandes/"}},
		{"resubmit to the service that asked", fixture.AtCorrectionService, resubmit,
			func(d *models.Demand) string { return w.Voirie.Email },
			"corrigée par l'usager", []string{"votre service lui avait demandé une correction", "Réponses modifiées : Description.", "/service/"}},
		{"resubmit acknowledged, accueil", fixture.AtCorrectionAccueil, resubmit,
			func(d *models.Demand) string { return d.CitizenEmail },
			"corrigée : bien reçue", []string{"Nous avons bien reçu votre demande «\u00a0Signalement d'un dysfonctionnement\u00a0» corrigée. Elle est de nouveau entre les mains de l'accueil de la mairie", "Suivre ma demande :", "/suivi/"}},
		{"resubmit acknowledged, service", fixture.AtCorrectionService, resubmit,
			func(d *models.Demand) string { return d.CitizenEmail },
			"corrigée : bien reçue", []string{"Elle est de nouveau entre les mains du service voirie, qui va l'examiner.", "/suivi/"}},
		{"return to accueil", fixture.AtTransferred,
			func(d *models.Demand) (workflow.Event, workflow.Actor, workflow.Input) {
				return workflow.ReturnToGuichet, w.ServiceOn(d, w.Voirie), workflow.Input{Message: "Relève de l'urbanisme."}
			},
			func(d *models.Demand) string { return w.Accueil.Email },
			"renvoyée à l'accueil par voirie", []string{"Motif : Relève de l'urbanisme.", "/gestion/demandes/"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := w.DemandAt(t, tc.setup)
			ev, a, in := tc.ev(d)
			d = w.Apply(t, d, ev, a, in)
			var m models.OutboxMail
			err := db.NewSelect().Model(&m).Where("demand_id = ? AND recipient = ?", d.ID, tc.to(d)).Order("id DESC").Limit(1).Scan(ctx)
			fixture.Must(t, err)
			if !strings.Contains(m.Subject, tc.subject) || !strings.Contains(m.Subject, d.Reference) {
				t.Errorf("subject %q, want %q and the reference", m.Subject, tc.subject)
			}
			for _, want := range append(tc.body, d.Reference, w.Commune.Name) {
				if !strings.Contains(m.BodyText, want) {
					t.Errorf("text lacks %q:\n%s", want, m.BodyText)
				}
			}
			if m.ThreadID != "demande-"+d.Reference+"@guichet.test" {
				t.Errorf("thread %q", m.ThreadID)
			}
		})
	}
}

// A demand back with the accueil (returned by a service, or corrected after
// the accueil asked) is e-mailed to each of its active agents, once, each
// mail with its own Message-ID; not to others (the supervisor, the admin, an
// agent whose profile does not cover the procedure, a deactivated one).
func TestAccueilMailsEveryActiveAgent(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	second := &models.Agent{CommuneID: w.Commune.ID, Email: "accueil2@" + w.Commune.Slug + ".test", Name: "Seconde",
		ProfileID: w.Profiles[perm.AccueilProfile].ID, PasswordHash: w.Accueil.PasswordHash, Active: true}
	gone := &models.Agent{CommuneID: w.Commune.ID, Email: "parti@" + w.Commune.Slug + ".test", Name: "Parti",
		ProfileID: w.Profiles[perm.AccueilProfile].ID, PasswordHash: w.Accueil.PasswordHash, Active: false}
	for _, a := range []*models.Agent{second, gone} {
		_, err := db.NewInsert().Model(a).Exec(ctx)
		fixture.Must(t, err)
	}
	other := &models.Procedure{CommuneID: w.Commune.ID, Slug: "autre", Active: true, ProcedureVersion: models.ProcedureVersion{Title: "Autre démarche"}}
	fixture.Must(t, models.CreateProcedure(ctx, db, other))
	w.NewAgent(t, "ailleurs", w.NewProfile(t, "Autre démarche seulement", perm.Set{perm.See, perm.Decide}, other.ID))
	for _, tc := range []struct {
		name, subject, body string
		setup               fixture.Setup
		ev                  workflow.Event
		actor               func(d *models.Demand) workflow.Actor
		in                  workflow.Input
	}{
		{"return", "%renvoyée à l'accueil%", "Motif : Relève de l'urbanisme.", fixture.AtTransferred, workflow.ReturnToGuichet,
			func(d *models.Demand) workflow.Actor { return w.ServiceOn(d, w.Voirie) }, workflow.Input{Message: "Relève de l'urbanisme."}},
		{"resubmit", "%corrigée par l'usager%", "l'accueil lui avait demandé une correction", fixture.AtCorrectionAccueil, workflow.Resubmit,
			w.Citizen, workflow.Input{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := w.DemandAt(t, tc.setup)
			d = w.Apply(t, d, tc.ev, tc.actor(d), tc.in)
			var mails []models.OutboxMail
			fixture.Must(t, db.NewSelect().Model(&mails).Where("demand_id = ? AND subject LIKE ?", d.ID, tc.subject).
				Order("recipient").Scan(ctx))
			if len(mails) != 2 || mails[0].Recipient != second.Email || mails[1].Recipient != w.Accueil.Email {
				t.Fatalf("mails to %v, want %s and %s", recipients(mails), second.Email, w.Accueil.Email)
			}
			if mails[0].MessageID == mails[1].MessageID {
				t.Errorf("both mails have Message-ID %s", mails[0].MessageID)
			}
			if mails[0].BodyText != mails[1].BodyText || !strings.Contains(mails[0].BodyText, tc.body) {
				t.Errorf("bodies differ or lack %q:\n%s\n---\n%s", tc.body, mails[0].BodyText, mails[1].BodyText)
			}
		})
	}
}

func recipients(ms []models.OutboxMail) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Recipient)
	}
	return out
}
