package audit_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/audit"
	"guichet/conversation"
	"guichet/fixture"
	"guichet/history"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

// lived is a world whose commune has a history made by real transitions,
// notes and a service's link opened, and the entries of its chain in order.
func lived(t *testing.T) (*fixture.World, []models.Event) {
	t.Helper()
	ctx := context.Background()
	w := fixture.NewWorld(t, testdb.New(t))
	acc := workflow.AgentActor(w.Accueil)
	d := w.DemandAt(t, fixture.AtReturned)
	w.Apply(t, d, workflow.Accept, acc, workflow.Input{})
	w.DemandAt(t, fixture.AtRefused)
	c := w.DemandAt(t, fixture.AtCorrectionAccueil)
	w.Clock.Advance(time.Hour)
	w.Apply(t, c, workflow.Resubmit, w.Citizen(c), workflow.Input{Data: map[string]any{"nom": "Claude Dupont", "description": "Lampadaire éteint rue de l'Église, numéro 12 ?"}})
	_, err := w.Engine.Note(ctx, c.ID, acc, "Vu avec l'usager au téléphone ; 50 % de l'éclairage ?")
	fixture.Must(t, err)
	return w, entries(t, w)
}

func entries(t *testing.T, w *fixture.World) []models.Event {
	t.Helper()
	var evs []models.Event
	fixture.Must(t, w.DB.NewSelect().Model(&evs).Where("commune_id = ?", w.Commune.ID).Order("seq").Scan(context.Background()))
	return evs
}

func verify(t *testing.T, w *fixture.World) audit.Result {
	t.Helper()
	key, err := w.App.Config.AuditKey()
	fixture.Must(t, err)
	r, err := audit.VerifyCommune(context.Background(), w.DB, w.Commune, key.Public().(ed25519.PublicKey))
	fixture.Must(t, err)
	return r
}

func exec(t *testing.T, db bun.IDB, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// mustName checks that the verification failed naming entry e: its id, its
// demand's reference, its date and its kind, with what happened to it.
func mustName(t *testing.T, w *fixture.World, r audit.Result, e models.Event, what string) {
	t.Helper()
	d, err := models.DemandByID(context.Background(), w.DB, w.Commune.ID, e.DemandID)
	fixture.Must(t, err)
	for _, want := range []string{fmt.Sprintf("(id %d, demande %s, %s, %s", e.ID, d.Reference, e.At.In(audit.Paris).Format("02/01/2006 15:04:05"), e.Kind), what} {
		if !strings.Contains(r.Problem, want) {
			t.Fatalf("the verification says %q, not %q", r.Problem, want)
		}
	}
	if r.EntryID != e.ID {
		t.Fatalf("named entry %d, not %d", r.EntryID, e.ID)
	}
}

func TestChainAfterTransitionsVerifies(t *testing.T) {
	w, evs := lived(t)
	r := verify(t, w)
	if !r.OK() || r.Entries != int64(len(evs)) || r.Head.Seq != int64(len(evs)) {
		t.Fatalf("fresh history: %+v, %d entries", r, len(evs))
	}
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has place %d", i+1, e.Seq)
		}
	}
}

// TestVerifyNamesTheTamperedEntry: each change made in SQL, on a history of
// its own, is found and the right entry named.
func TestVerifyNamesTheTamperedEntry(t *testing.T) {
	t.Run("edited message", func(t *testing.T) {
		w, evs := lived(t)
		e := evs[len(evs)-1] // the note
		exec(t, w.DB, "UPDATE demand_events SET message = 'Rien à signaler.' WHERE id = ?", e.ID)
		mustName(t, w, verify(t, w), e, "a été modifiée")
	})
	t.Run("edited state", func(t *testing.T) {
		w, evs := lived(t)
		e := evs[3]
		exec(t, w.DB, "UPDATE demand_events SET to_state = 'archived' WHERE id = ?", e.ID)
		mustName(t, w, verify(t, w), e, "son empreinte recalculée diffère")
	})
	t.Run("deleted row", func(t *testing.T) {
		w, evs := lived(t)
		exec(t, w.DB, "DELETE FROM digest_items WHERE event_id = ?", evs[4].ID)
		exec(t, w.DB, "DELETE FROM demand_events WHERE id = ?", evs[4].ID)
		mustName(t, w, verify(t, w), evs[5], "l'entrée n° 5 manque")
	})
	t.Run("deleted last row", func(t *testing.T) {
		w, evs := lived(t)
		exec(t, w.DB, "DELETE FROM demand_events WHERE id = ?", evs[len(evs)-1].ID)
		if r := verify(t, w); !strings.Contains(r.Problem, fmt.Sprintf("la tête de la chaîne est à l'entrée n° %d, la dernière entrée trouvée est la n° %d", len(evs), len(evs)-1)) {
			t.Fatalf("the verification says %q", r.Problem)
		}
	})
	t.Run("swapped order", func(t *testing.T) {
		w, evs := lived(t)
		exec(t, w.DB, "UPDATE demand_events SET seq = -1 WHERE id = ?", evs[3].ID)
		exec(t, w.DB, "UPDATE demand_events SET seq = 4 WHERE id = ?", evs[4].ID)
		exec(t, w.DB, "UPDATE demand_events SET seq = 5 WHERE id = ?", evs[3].ID)
		mustName(t, w, verify(t, w), evs[4], "n'est pas à sa place")
	})
	t.Run("inserted row", func(t *testing.T) {
		// Whoever knows the algorithm can hash a forged entry and link it
		// to the one before: the one after it no longer links.
		w, evs := lived(t)
		exec(t, w.DB, "UPDATE demand_events SET seq = -seq WHERE commune_id = ? AND seq >= 5", w.Commune.ID)
		exec(t, w.DB, "UPDATE demand_events SET seq = 1 - seq WHERE commune_id = ? AND seq < 0", w.Commune.ID)
		forged := evs[3]
		forged.ID, forged.Kind, forged.Message, forged.Seq, forged.PrevHash, forged.ContentHash = 0, workflow.KindNote, "Appel de l'usager, satisfait.", 5, evs[3].Hash, nil
		forged.Hash = models.Link(forged.PrevHash, models.EntryDigest(&forged))
		_, err := w.DB.NewInsert().Model(&forged).Exec(context.Background())
		fixture.Must(t, err)
		mustName(t, w, verify(t, w), forged, "a été insérée")
	})
	t.Run("rewritten chain after a signed digest", func(t *testing.T) {
		// Rehashing every entry after an edit makes a chain that holds
		// together: the digest signed before it does not.
		w, evs := lived(t)
		w.App.Jobs.RunDue(context.Background())
		if r := verify(t, w); !r.OK() || r.Seals != 1 {
			t.Fatalf("after sealing: %+v", r)
		}
		ctx := context.Background()
		prev, lastPrev := evs[1].Hash, []byte(nil)
		for _, e := range evs[2:] {
			if e.ID == evs[2].ID {
				e.Message = "Demande soumise sans pièce."
			}
			e.ContentHash = nil
			e.PrevHash, e.Hash = prev, models.Link(prev, models.EntryDigest(&e))
			_, err := w.DB.NewUpdate().Model(&e).Column("message", "content_hash", "prev_hash", "hash").WherePK().Exec(ctx)
			fixture.Must(t, err)
			lastPrev, prev = prev, e.Hash
		}
		exec(t, w.DB, "UPDATE chain_heads SET prev_hash = ?, hash = ? WHERE commune_id = ?", lastPrev, prev, w.Commune.ID)
		mustName(t, w, verify(t, w), evs[len(evs)-1], "ne correspond plus au condensé signé le")
	})
	t.Run("forged signed digest", func(t *testing.T) {
		w, _ := lived(t)
		w.App.Jobs.RunDue(context.Background())
		exec(t, w.DB, "UPDATE history_seals SET seq = seq - 1 WHERE commune_id = ?", w.Commune.ID)
		if r := verify(t, w); !strings.Contains(r.Problem, "n'a pas une signature valide") {
			t.Fatalf("the verification says %q", r.Problem)
		}
	})
}

// TestErasedTextKeepsTheChain: anonymisation erases an entry's free text and
// keeps its content hash, and the chain verifies; marking an entry erased
// does not let its text be changed.
func TestErasedTextKeepsTheChain(t *testing.T) {
	w, evs := lived(t)
	note := evs[len(evs)-1]
	fixture.Must(t, models.EraseEventText(context.Background(), w.DB, w.Commune.ID, note.DemandID))
	var erased models.Event
	fixture.Must(t, w.DB.NewSelect().Model(&erased).Where("id = ?", note.ID).Scan(context.Background()))
	if erased.Message != "" || !erased.TextErased || !models.SameHash(erased.ContentHash, note.ContentHash) {
		t.Fatalf("erased note: %+v", erased)
	}
	var citizen int
	fixture.Must(t, w.DB.NewRaw("SELECT count(*) FROM demand_events WHERE demand_id = ? AND (actor_kind = 'citizen' AND actor_name <> '' OR details->'changes' IS NOT NULL)", note.DemandID).Scan(context.Background(), &citizen))
	if r := verify(t, w); !r.OK() || citizen != 0 {
		t.Fatalf("after erasing, %d entries keep the citizen's text; verification: %q", citizen, r.Problem)
	}
	exec(t, w.DB, "UPDATE demand_events SET message = 'Texte remis.' WHERE id = ?", note.ID)
	mustName(t, w, verify(t, w), note, "marquée effacée mais garde un texte")
}

// TestConcurrentAppendsMakeOneChain: many transitions, notes and openings of
// one commune at once neither fork its chain nor deadlock.
func TestConcurrentAppendsMakeOneChain(t *testing.T) {
	w := fixture.NewWorld(t, testdb.New(t))
	ctx := context.Background()
	acc := workflow.AgentActor(w.Accueil)
	ds := make([]*models.Demand, 12)
	for i := range ds {
		ds[i] = w.DemandAt(t, fixture.AtSubmitted)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(ds))
	for _, d := range ds {
		wg.Go(func() {
			var err error
			for range 3 {
				if d, err = w.Engine.Apply(ctx, d.ID, workflow.Transfer, acc, workflow.Input{Version: d.Version, ServiceID: w.Voirie.ID}); err != nil {
					break
				}
				if _, err = w.Engine.Note(ctx, d.ID, acc, "Relance du service."); err != nil {
					break
				}
				if _, err = history.RecordOnce(ctx, w.DB, &models.Event{CommuneID: d.CommuneID, DemandID: d.ID, Kind: history.KindDemandOpened,
					ActorKind: workflow.KindAgent, ActorID: &w.Accueil.ID, ActorName: w.Accueil.Name, Channel: workflow.ChannelWeb}, w.Clock.Now(), time.Hour); err != nil {
					break
				}
				if d, err = w.Engine.Apply(ctx, d.ID, workflow.ReturnToGuichet, w.ServiceOn(d, w.Voirie), workflow.Input{Version: d.Version, Message: "Pas pour nous"}); err != nil {
					break
				}
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fixture.Must(t, err)
	}
	evs := entries(t, w)
	// Submit for each, then three rounds of transfer, note and return, and
	// one opening each (the next ones within the hour are not recorded).
	if want := len(ds) * (1 + 3*3 + 1); len(evs) != want {
		t.Fatalf("%d entries, want %d", len(evs), want)
	}
	if r := verify(t, w); !r.OK() || r.Head.Seq != int64(len(evs)) {
		t.Fatalf("after concurrent appends: %+v", r)
	}
}

// TestDailySeal: the job signs each commune's head once a day (Paris),
// verified, on the clock moved; a day without a new entry is sealed too.
func TestDailySeal(t *testing.T) {
	w, evs := lived(t)
	ctx := context.Background()
	now := w.Clock.Now().In(audit.Paris)
	w.Clock.Set(time.Date(now.Year(), now.Month(), now.Day()+1, 6, 0, 0, 0, audit.Paris))
	seal := func() int { return w.App.Jobs.RunDue(ctx)["history sealed"].N }
	if n := seal(); n != 1 {
		t.Fatalf("first run sealed %d communes", n)
	}
	w.Clock.Advance(time.Hour)
	if n := seal(); n != 0 {
		t.Fatalf("the same day again sealed %d", n)
	}
	w.Clock.Advance(23 * time.Hour)
	w.DemandAt(t, fixture.AtSubmitted)
	if n := seal(); n != 1 {
		t.Fatalf("the next day sealed %d", n)
	}
	seals, err := models.Seals(ctx, w.DB, w.Commune.ID)
	fixture.Must(t, err)
	key, err := w.App.Config.AuditKey()
	fixture.Must(t, err)
	if len(seals) != 2 || seals[0].Seq != int64(len(evs)) || seals[1].Seq != int64(len(evs)+1) || !seals[0].Verified || !seals[1].Verified ||
		!seals[1].Day.Equal(seals[0].Day.AddDate(0, 0, 1)) || !ed25519.Verify(key.Public().(ed25519.PublicKey), audit.SealMessage(seals[1]), seals[1].Signature) {
		t.Fatalf("seals: %+v", seals)
	}
	// A failed verification is sealed as such, with what it found.
	exec(t, w.DB, "UPDATE demand_events SET message = 'Autre motif.' WHERE id = ?", evs[len(evs)-1].ID)
	w.Clock.Advance(24 * time.Hour)
	seal()
	last, verified, err := models.LastSeals(ctx, w.DB, w.Commune.ID)
	fixture.Must(t, err)
	if last.Verified || !strings.Contains(last.Problem, fmt.Sprintf("(id %d,", evs[len(evs)-1].ID)) || !verified.Day.Equal(seals[1].Day) {
		t.Fatalf("after tampering: last %+v, verified %+v", last, verified)
	}
}

// TestConversationEntriesAreChained: a conversation's history entries (no
// demand) take their places in the commune's chain, and one edited in SQL
// is named.
func TestConversationEntriesAreChained(t *testing.T) {
	w, _ := lived(t)
	_, _, err := w.App.Conversations.Open(context.Background(), w.Commune, conversation.Citizen(w.Commune.ID, "Camille Martin"),
		conversation.OpenInput{Subject: "Une question", Email: "camille@exemple.fr", Name: "Camille Martin", Client: "client:camille",
			Message: conversation.MessageInput{Body: "Bonjour, où en est le chantier ?"}})
	fixture.Must(t, err)
	evs := entries(t, w)
	last := evs[len(evs)-1]
	if last.ConversationID == 0 || last.DemandID != 0 {
		t.Fatalf("the last entry is not the conversation's: %+v", last)
	}
	if r := verify(t, w); !r.OK() || r.Entries != int64(len(evs)) {
		t.Fatalf("with a conversation: %+v, %d entries", r, len(evs))
	}
	exec(t, w.DB, "UPDATE demand_events SET kind = 'conversation_status' WHERE id = ?", last.ID)
	if r := verify(t, w); r.OK() || r.EntryID != last.ID {
		t.Fatalf("an edited conversation entry: %+v, want entry %d named", r, last.ID)
	}
}
