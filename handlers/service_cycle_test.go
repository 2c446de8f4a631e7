package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// TestSeedCycle is the cycle of seed 002, the service acting only through
// its links: the accueil transfers, the service asks a correction, the
// citizen corrects, the demand comes back to the same service, which
// returns it to the accueil, which accepts. Every e-mail goes over SMTP;
// the supervisor's history shows every step and actor.
func TestSeedCycle(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	apply := func(d *models.Demand, ev workflow.Event, actor workflow.Actor, in workflow.Input) *models.Demand {
		t.Helper()
		in.Version = stateOf(t, a, d).Version
		out, err := a.Engine.Apply(ctx, d.ID, ev, actor, in)
		fixture.Must(t, err)
		return out
	}
	d := a.Draft(t, "claude.dupont@exemple.fr")
	d = apply(d, workflow.Submit, a.Citizen(d), workflow.Input{})
	d = apply(d, workflow.Transfer, workflow.AgentActor(a.Accueil), workflow.Input{ServiceID: a.Voirie.ID, Message: "Lampadaire rue de l'Église, à vérifier sur place."})
	msgs := a.sendMail()
	if m := mailTo(t, msgs, d.CitizenEmail); !strings.Contains(m.Text, "transmise au service voirie pour traitement") {
		t.Fatalf("citizen on transfer: %s", m.Text)
	}
	toService := mailTo(t, msgs, a.Voirie.Email)
	for _, want := range []string{d.Reference, "Signalement d'un dysfonctionnement", "Ce qui est attendu de votre service", "valable jusqu'au", "Message de l'accueil : Lampadaire rue de l'Église"} {
		if !strings.Contains(toService.Text, want) {
			t.Fatalf("service mail lacks %q:\n%s", want, toService.Text)
		}
	}
	link := linkIn(t, toService, "/service/")

	// The service reads the demand and what the accueil wrote, then asks a correction.
	c := a.client()
	page := c.get(link)
	if !strings.Contains(text(page), "Lampadaire rue de l'Église, à vérifier sur place.") || !strings.Contains(text(page), "Claude Dupont") {
		t.Fatalf("service page: %s", text(page))
	}
	if r := c.act(link, "correction", map[string][]string{"message": {"Indiquez le numéro du lampadaire."}, "fields": {"description"}, "person": {"Jeanne Martin"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("correction: %d %s", r.StatusCode, text(r))
	}
	if m := mailTo(t, a.sendMail(), d.CitizenEmail); !strings.Contains(m.Text, "Indiquez le numéro du lampadaire.") {
		t.Fatalf("citizen on correction: %s", m.Text)
	}

	// The citizen corrects: back to the same service, under the same assignment.
	d = apply(d, workflow.Resubmit, a.Citizen(d), workflow.Input{Data: map[string]any{"nom": "Claude Dupont", "description": "Lampadaire n° 12 éteint rue de l'Église"}})
	if d.State != workflow.Transferred || *d.ServiceID != a.Voirie.ID {
		t.Fatalf("after resubmit: %s, service %v", d.State, d.ServiceID)
	}
	msgs = a.sendMail()
	back := mailTo(t, msgs, a.Voirie.Email)
	if !strings.Contains(back.Subject, "corrigée par l'usager") || !strings.Contains(back.Text, "Réponses modifiées : Description.") {
		t.Fatalf("service on resubmit: %q\n%s", back.Subject, back.Text)
	}
	if ack := mailTo(t, msgs, d.CitizenEmail); !strings.Contains(ack.Subject, "corrigée : bien reçue") || !strings.Contains(ack.Text, "entre les mains du service voirie") {
		t.Fatalf("citizen on resubmit: %q\n%s", ack.Subject, ack.Text)
	}
	if n := len(mailsTo(msgs, a.Accueil.Email)); n != 0 {
		t.Fatalf("the accueil, which did not ask, got %d mails", n)
	}
	link = linkIn(t, back, "/service/")
	if p := c.get(link); !strings.Contains(text(p), "Lampadaire n° 12") {
		t.Fatalf("corrected data not shown: %s", text(p))
	} else if !strings.Contains(text(p), "Description : « Lampadaire éteint rue de l'Église » → « Lampadaire n° 12 éteint rue de l'Église »") {
		t.Fatalf("the history does not show the changed field's old and new values: %s", text(p))
	}

	// The service finds it is not for them after all: back to the accueil.
	if r := c.act(link, "renvoi", map[string][]string{"message": {"Éclairage public : relève du SIVOM."}, "person": {"Paul Durand"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d %s", r.StatusCode, text(r))
	}
	if m := mailTo(t, a.sendMail(), a.Accueil.Email); !strings.Contains(m.Text, "Motif : Éclairage public : relève du SIVOM.") {
		t.Fatalf("accueil on return: %s", m.Text)
	}

	// The accueil accepts.
	d = apply(d, workflow.Accept, workflow.AgentActor(a.Accueil), workflow.Input{})
	if m := mailTo(t, a.sendMail(), d.CitizenEmail); !strings.Contains(m.Subject, "acceptée") {
		t.Fatalf("citizen on accept: %q", m.Subject)
	}

	evs, err := models.History(ctx, a.DB, a.Commune.ID, d.ID, false)
	fixture.Must(t, err)
	type step struct{ kind, actorKind, actorName, channel, to string }
	var got []step
	opened := 0
	for _, ev := range evs {
		if ev.Kind == models.KindLinkOpened {
			if ev.ActorKind != workflow.KindService || ev.ActorName != "voirie" || ev.Channel != workflow.ChannelLink {
				t.Fatalf("opening: %+v", ev)
			}
			opened++
			continue
		}
		got = append(got, step{ev.Kind, ev.ActorKind, ev.ActorName, ev.Channel, ev.ToState})
	}
	want := []step{
		{"submit", "citizen", d.CitizenEmail, "web", workflow.Submitted},
		{"transfer", "agent", a.Accueil.Name, "web", workflow.Transferred},
		{"request_correction", "service", "voirie (Jeanne Martin)", "link", workflow.CorrectionRequested},
		{"resubmit", "citizen", d.CitizenEmail, "web", workflow.Transferred},
		{"return_to_guichet", "service", "voirie (Paul Durand)", "link", workflow.ReturnedToGuichet},
		{"accept", "agent", a.Accueil.Name, "web", workflow.Accepted},
	}
	if len(got) != len(want) {
		t.Fatalf("history:\n%+v\nwant\n%+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("step %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if opened == 0 {
		t.Fatal("the openings of the link are not in the supervisor's history")
	}
}
