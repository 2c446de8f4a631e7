package audit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"guichet/conversation"
	"guichet/fixture"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

// agentsTexts is a world whose history holds each text agents type about a
// citizen outside an entry's message, and the entry holding each, by its
// Details key: a transfer's message to the service, an escalation's problem
// restated and level 2's note sending it back (on a demand), a forwarding's
// covering note and a held reply's comment sending it back (on a
// conversation).
func agentsTexts(t *testing.T) (*fixture.World, *models.Demand, *models.Conversation, map[string]models.Event) {
	t.Helper()
	ctx := context.Background()
	w := fixture.NewWorld(t, testdb.New(t))
	acc := workflow.AgentActor(w.Accueil)
	d := w.DemandAt(t, fixture.AtSubmitted)
	d = w.Apply(t, d, workflow.Transfer, acc, workflow.Input{ServiceID: w.Voirie.ID, Message: "M. Dupont, 12 rue de l'Église, 06 12 34 56 78."})
	d = w.Apply(t, d, workflow.ReturnToGuichet, w.ServiceOn(d, w.Voirie), workflow.Input{Message: "Pas pour nous."})
	w.EscalateAndReturn(t, w.Referent(t), conversation.EscalateInput{DemandID: d.ID, Problem: "M. Dupont attend depuis trois semaines."},
		"Voir avec M. Dupont directement.")

	cv, _, err := w.App.Conversations.Open(ctx, w.Commune, conversation.Citizen(w.Commune.ID, "Camille Martin"),
		conversation.OpenInput{Subject: "Allocation", Email: "camille@exemple.fr", Name: "Camille Martin", Client: "client:camille",
			Message: conversation.MessageInput{Body: "Bonjour, où en est mon dossier ?"}})
	fixture.Must(t, err)
	var asked int64
	fixture.Must(t, w.DB.NewRaw("SELECT id FROM conversation_messages WHERE conversation_id = ? AND author_kind = 'citizen'", cv.ID).Scan(ctx, &asked))
	fixture.Must(t, w.App.Conversations.Forward(ctx, w.Commune, acc, cv.ID, asked, "accueil@caf.exemple.fr", "Mme Martin, allocataire n° 1234567."))
	w.ReturnHeldReply(t, acc, cv.ID, "Madame Martin, c'est en cours.", "Ne donnez pas le numéro de Mme Martin.")

	holding := map[string]models.Event{}
	for _, e := range entries(t, w) {
		for _, k := range []string{workflow.ServiceMessageKey, "problem", "note", "comment"} {
			if s, _ := e.Details[k].(string); s != "" {
				holding[fmt.Sprintf("%s %s", e.Kind, k)] = e
			}
		}
	}
	if len(holding) != 5 {
		t.Fatalf("entries holding agents' texts: %v", holding)
	}
	return w, d, cv, holding
}

// TestAgentsTextsAreErasedAndTheChainVerifies: anonymising the demand and
// the conversation erases those texts from their entries, and the chain
// still verifies; each of them edited in SQL is named as an altered text.
func TestAgentsTextsAreErasedAndTheChainVerifies(t *testing.T) {
	w, d, cv, holding := agentsTexts(t)
	ctx := context.Background()
	if r := verify(t, w); !r.OK() {
		t.Fatalf("before erasing: %s", r.Problem)
	}
	fixture.Must(t, w.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var out models.Erased
		if _, err := models.AnonymiseDemand(ctx, tx, w.Commune.ID, d.ID, w.Clock.Now(), &out); err != nil {
			return err
		}
		_, err := models.AnonymiseConversation(ctx, tx, w.Commune.ID, cv.ID, w.Clock.Now(), &out)
		return err
	}))
	var left []string
	fixture.Must(t, w.DB.NewRaw(`SELECT kind || ' ' || details::text FROM demand_events WHERE commune_id = ?
		AND (details->>'service_message' <> '' OR details->>'problem' <> '' OR details->>'note' <> '' OR details->>'comment' <> '')`, w.Commune.ID).Scan(ctx, &left))
	if len(left) > 0 {
		t.Fatalf("erased entries keep agents' texts: %v", left)
	}
	if r := verify(t, w); !r.OK() {
		t.Fatalf("after erasing: %s", r.Problem)
	}

	for what := range holding {
		t.Run(what, func(t *testing.T) {
			w, _, _, holding := agentsTexts(t)
			e := holding[what]
			key := strings.Fields(what)[1]
			exec(t, w.DB, "UPDATE demand_events SET details = jsonb_set(details, ?, '\"Rien à signaler.\"') WHERE id = ?", "{"+key+"}", e.ID)
			r := verify(t, w)
			if r.EntryID != e.ID || !strings.Contains(r.Problem, fmt.Sprintf("(id %d,", e.ID)) || !strings.Contains(r.Problem, "a été modifiée : son texte") {
				t.Fatalf("the verification says %q (entry %d), want entry %d's text named", r.Problem, r.EntryID, e.ID)
			}
		})
	}
}
