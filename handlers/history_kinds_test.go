package handlers_test

import (
	"context"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/history"
	"guichet/models"
	"guichet/workflow"
)

// A test-only kind: adding a kind of history entry is one registration.
const kindTestOnly = "test_only_call"

func init() {
	history.Register(history.Kind{Name: kindTestOnly, Agent: history.Fixed("Appel téléphonique de l'usager")})
}

// TestEveryHistoryKindOnEveryPage writes one entry of every registered kind
// on a demand a service holds, then opens the citizen's follow page, the
// agent's page and the service's page: agents see every kind in its own
// words, the service every kind but the audit of its link openings, and the
// citizen only the public ones; no internal kind's text reaches the citizen,
// on the page or in a mail.
func TestEveryHistoryKindOnEveryPage(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	d, link := transferred(t, a)
	kinds := history.Kinds()
	for _, k := range kinds {
		ev := &models.Event{CommuneID: d.CommuneID, DemandID: d.ID, At: a.Clock.Now(), Kind: k.Name, ActorKind: workflow.KindSystem,
			ActorName: "Guichet", Channel: workflow.ChannelSystem, Message: "Texte de l'entrée " + k.Name + ".",
			Details: map[string]any{"service": "Voirie"}}
		fixture.Must(t, history.Record(ctx, a.DB, ev))
		if ev.Visibility != k.Visibility() {
			t.Fatalf("%s recorded %s, its kind says %s", k.Name, ev.Visibility, k.Visibility())
		}
	}
	follow, err := a.Notifier.FollowURL(a.Commune, d)
	fixture.Must(t, err)
	citizen := a.client().get(pathOf(t, follow))
	mustStatus(t, citizen, 200)
	agent := a.signIn(a.Supervisor).get("/gestion/demandes/" + itoa(d.ID))
	mustStatus(t, agent, 200)
	service := a.client().get(pathOf(t, link))
	mustStatus(t, service, 200)
	var mails strings.Builder
	for _, m := range mailsTo(a.sendMail(), d.CitizenEmail) {
		mails.WriteString(m.Subject + "\n" + m.Text + "\n")
	}

	sample := models.Event{Kind: "", Details: map[string]any{"service": "Voirie"}, Visibility: models.Public}
	public := 0
	for _, k := range kinds {
		sample.Kind = k.Name
		msg := "Texte de l'entrée " + k.Name + "."
		agentTitle := history.AgentTitle(sample)
		if !strings.Contains(text(agent), agentTitle) || !strings.Contains(text(agent), msg) { // openings: in their section, to the supervisor
			t.Errorf("%s: the agent's page lacks %q or its text", k.Name, agentTitle)
		}
		if !k.Opening && !strings.Contains(text(service), msg) {
			t.Errorf("%s: the service's page lacks its text", k.Name)
		}
		if k.Visibility() == models.Public {
			public++
			title, _ := history.CitizenTitle(sample)
			if !strings.Contains(text(citizen), title) || !strings.Contains(text(citizen), msg) {
				t.Errorf("%s: the citizen's page lacks %q or its text", k.Name, title)
			}
			continue
		}
		if strings.Contains(text(citizen), msg) || strings.Contains(mails.String(), msg) {
			t.Errorf("internal kind %s reaches the citizen", k.Name)
		}
		if strings.Contains(text(citizen), agentTitle) {
			t.Errorf("internal kind %s: its wording %q is on the citizen's page", k.Name, agentTitle)
		}
	}
	if public == 0 || public == len(kinds) {
		t.Fatalf("%d public kinds of %d: the test proves nothing", public, len(kinds))
	}
}

// An entry of a kind nobody registered is refused: its visibility would be unknown.
func TestAnUnregisteredKindIsRefused(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	err := history.Record(context.Background(), a.DB, &models.Event{CommuneID: d.CommuneID, DemandID: d.ID, Kind: "inconnu",
		ActorKind: workflow.KindSystem, ActorName: "Guichet", Channel: workflow.ChannelSystem})
	if err == nil {
		t.Fatal("an unregistered kind was recorded")
	}
}
