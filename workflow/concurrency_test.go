package workflow_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"guichet/apperr"
	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// TestConflictingActorsOneWinnerPerRace: for many demands at once, several
// people fire conflicting events having seen the same version. Exactly one
// wins each race, the others are told the demand changed meanwhile; the
// history holds one event per successful transition, and every demand ends
// in a state the machine can reach.
func TestConflictingActorsOneWinnerPerRace(t *testing.T) {
	db := testdbNew(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	const demands, racers, rounds = 12, 6, 4
	ds := make([]*models.Demand, demands)
	for i := range ds {
		ds[i] = w.DemandAt(t, fixture.AtSubmitted)
	}
	initialEvents := 1 // submit
	wins := make([]int, demands)
	var mu sync.Mutex

	for round := 0; round < rounds; round++ {
		var wg sync.WaitGroup
		for i, d := range ds {
			cur, err := models.DemandByID(ctx, db, w.Commune.ID, d.ID)
			fixture.Must(t, err)
			roundWins := 0
			for r := 0; r < racers; r++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					actor, ev, in := racer(w, cur, r)
					in.Version = cur.Version
					_, err := w.Engine.Apply(ctx, cur.ID, ev, actor, in)
					mu.Lock()
					defer mu.Unlock()
					switch apperr.CodeOf(err) {
					case "":
						roundWins++
						wins[i]++
					case apperr.Conflict:
					default:
						// A racer may also be refused because its event is not allowed
						// from this state; never anything else.
						if apperr.CodeOf(err) != apperr.Forbidden {
							t.Errorf("demand %d: unexpected %v", cur.ID, err)
						}
					}
				}()
			}
			wg.Wait()
			if roundWins > 1 {
				t.Fatalf("demand %d round %d: %d winners", d.ID, round, roundWins)
			}
		}
	}
	reachable := map[string]bool{}
	for _, s := range workflow.AllStates {
		reachable[s] = true
	}
	for i, d := range ds {
		cur, err := models.DemandByID(ctx, db, w.Commune.ID, d.ID)
		fixture.Must(t, err)
		evs, err := models.History(ctx, db, w.Commune.ID, d.ID, false)
		fixture.Must(t, err)
		if len(evs) != initialEvents+wins[i] {
			t.Errorf("demand %d: %d history events for %d wins", d.ID, len(evs), wins[i])
		}
		if cur.Version != d.Version+wins[i] {
			t.Errorf("demand %d: version %d, want %d", d.ID, cur.Version, d.Version+wins[i])
		}
		// Each event starts where the previous one ended: no lost update.
		for j := 1; j < len(evs); j++ {
			if evs[j].FromState != evs[j-1].ToState {
				t.Errorf("demand %d: history breaks between %s→%s and %s→%s", d.ID, evs[j-1].FromState, evs[j-1].ToState, evs[j].FromState, evs[j].ToState)
			}
		}
		if !reachable[cur.State] || evs[len(evs)-1].ToState != cur.State {
			t.Errorf("demand %d: ends in %s, history says %s", d.ID, cur.State, evs[len(evs)-1].ToState)
		}
	}
	if slices.Max(wins) == 0 {
		t.Fatal("no racer ever won: the test exercised nothing")
	}
}

// racer picks, for racer r, an actor and an event plausible in d's state.
func racer(w *fixture.World, d *models.Demand, r int) (workflow.Actor, workflow.Event, workflow.Input) {
	in := workflow.Input{Message: "Motif", ServiceID: w.Voirie.ID, Data: map[string]any{"nom": "Course", "n": float64(r)}}
	agents := []*models.Agent{w.Accueil, w.Supervisor}
	agent := workflow.AgentActor(agents[r%2])
	switch d.State {
	case workflow.Submitted, workflow.ReturnedToGuichet:
		evs := []workflow.Event{workflow.Accept, workflow.Refuse, workflow.RequestCorrection, workflow.Transfer}
		return agent, evs[rand.IntN(len(evs))], in
	case workflow.Transferred:
		evs := []workflow.Event{workflow.Accept, workflow.Refuse, workflow.RequestCorrection, workflow.ReturnToGuichet}
		return w.ServiceOn(d, w.Voirie), evs[rand.IntN(len(evs))], in
	case workflow.CorrectionRequested:
		return w.Citizen(d), workflow.Resubmit, in
	default:
		return workflow.AgentActor(w.Supervisor), workflow.Archive, in
	}
}
