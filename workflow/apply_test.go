package workflow_test

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// expect is DESIGN.md's table written out on its own, independently of the
// engine: the state an allowed (setup, event, actor) lands in, and the
// recipients of the e-mails it queues. ok is false when it must be refused.
func expect(w *fixture.World, s fixture.Setup, ev workflow.Event, actor string) (to string, mails []string, ok bool) {
	guichet := s == fixture.AtSubmitted || s == fixture.AtReturned
	agent := actor == "accueil" || actor == "supervisor"
	switch {
	case ev == workflow.Submit && s == fixture.AtDraft && actor == "citizen":
		return workflow.Submitted, []string{"citizen"}, true
	case (ev == workflow.Accept || ev == workflow.Refuse) && ((guichet && agent) || (s == fixture.AtTransferred && actor == "service")):
		to := workflow.Accepted
		if ev == workflow.Refuse {
			to = workflow.Refused
		}
		return to, []string{"citizen"}, true
	case ev == workflow.RequestCorrection && ((guichet && agent) || (s == fixture.AtTransferred && actor == "service")):
		return workflow.CorrectionRequested, []string{"citizen"}, true
	// A resubmission goes back to whoever asked, who is told; the citizen is
	// acknowledged.
	case ev == workflow.Resubmit && s == fixture.AtCorrectionAccueil && actor == "citizen":
		return workflow.Submitted, []string{"citizen", w.Accueil.Email}, true
	case ev == workflow.Resubmit && s == fixture.AtCorrectionService && actor == "citizen":
		return workflow.Transferred, []string{"citizen", w.Voirie.Email}, true
	// The system transfers as a routing rule decides it (routing.Manager).
	case ev == workflow.Transfer && guichet && (agent || actor == "system"):
		return workflow.Transferred, []string{"citizen", w.Urbanisme.Email}, true
	case ev == workflow.ReturnToGuichet && s == fixture.AtTransferred && actor == "service":
		return workflow.ReturnedToGuichet, []string{w.Accueil.Email}, true
	case ev == workflow.Archive && (s == fixture.AtAccepted || s == fixture.AtRefused) && (actor == "supervisor" || actor == "system"):
		return workflow.Archived, nil, true
	}
	return "", nil, false
}

// actors are every kind of person who might try an event.
var actors = []string{"citizen", "other-citizen", "accueil", "supervisor", "admin", "service", "other-service", "old-assignment", "system", "other-commune"}

func actorFor(t *testing.T, w, other *fixture.World, d *models.Demand, name string) workflow.Actor {
	switch name {
	case "citizen":
		return w.Citizen(d)
	case "other-citizen":
		return workflow.CitizenActor(w.Commune.ID, d.ID+100000, "autre@exemple.fr")
	case "accueil":
		return workflow.AgentActor(w.Accueil)
	case "supervisor":
		return workflow.AgentActor(w.Supervisor)
	case "admin":
		return workflow.AgentActor(w.Admin)
	case "service":
		return w.ServiceOn(d, w.Voirie)
	case "other-service":
		return w.ServiceOn(d, w.Urbanisme)
	case "old-assignment":
		a := w.ServiceOn(d, w.Voirie)
		a.AssignmentID += 100000
		return a
	case "system":
		return workflow.SystemActor(w.Commune.ID)
	case "other-commune":
		return workflow.AgentActor(other.Supervisor)
	}
	t.Fatalf("unknown actor %s", name)
	return workflow.Actor{}
}

type snapshot struct {
	state   string
	version int
	events  int
	mails   []string
}

func snap(t *testing.T, db *bun.DB, d *models.Demand) snapshot {
	t.Helper()
	ctx := context.Background()
	cur, err := models.DemandByID(ctx, db, d.CommuneID, d.ID)
	fixture.Must(t, err)
	n, err := db.NewSelect().Model((*models.Event)(nil)).Where("demand_id = ?", d.ID).Count(ctx)
	fixture.Must(t, err)
	var rcpts []string
	fixture.Must(t, db.NewSelect().Model((*models.OutboxMail)(nil)).Column("recipient").
		Where("demand_id = ?", d.ID).Order("id").Scan(ctx, &rcpts))
	return snapshot{cur.State, cur.Version, int(n), rcpts}
}

// TestEveryCombination walks every (state, event, actor): each allowed one
// lands in the right state with one history event and the right e-mails;
// each forbidden one is refused with a French message and changes nothing.
func TestEveryCombination(t *testing.T) {
	db := testdbNew(t)
	w := fixture.NewWorld(t, db)
	other := fixture.NewWorld(t, db)
	ctx := context.Background()
	allowed := 0
	for _, s := range fixture.Setups {
		for _, ev := range workflow.AllEvents {
			for _, actor := range actors {
				d := w.DemandAt(t, s)
				before := snap(t, db, d)
				a := actorFor(t, w, other, d, actor)
				in := workflow.Input{Version: d.Version, Message: "Un message", ServiceID: w.Urbanisme.ID}
				got, err := w.Engine.Apply(ctx, d.ID, ev, a, in)
				after := snap(t, db, d)
				to, mails, ok := expect(w, s, ev, actor)
				name := string(s) + "/" + string(ev) + "/" + actor
				if !ok {
					if err == nil {
						t.Errorf("%s: allowed, want refused (now %s)", name, got.State)
						continue
					}
					if c := apperr.CodeOf(err); c != apperr.Forbidden && c != apperr.NotFound {
						t.Errorf("%s: error code %s, want forbidden or not_found (%v)", name, c, err)
					}
					if msg := apperr.As(err).Message; !strings.Contains(msg, "impossible") && !strings.Contains(msg, "n'existe pas") {
						t.Errorf("%s: message %q does not say why", name, msg)
					}
					if !slices.Equal(before.mails, after.mails) || before.state != after.state || before.version != after.version || before.events != after.events {
						t.Errorf("%s: refused but changed %+v -> %+v", name, before, after)
					}
					continue
				}
				allowed++
				if err != nil {
					t.Errorf("%s: refused (%v), want %s", name, err, to)
					continue
				}
				if after.state != to || got.State != to {
					t.Errorf("%s: state %s, want %s", name, after.state, to)
				}
				if after.version != before.version+1 {
					t.Errorf("%s: version %d -> %d, want +1", name, before.version, after.version)
				}
				if after.events != before.events+1 {
					t.Errorf("%s: %d history events added, want 1", name, after.events-before.events)
				}
				want := make([]string, len(mails))
				for i, m := range mails {
					if m == "citizen" {
						m = d.CitizenEmail
					}
					want[i] = m
				}
				newMails := after.mails[len(before.mails):]
				sort.Strings(want)
				sort.Strings(newMails)
				if !slices.Equal(newMails, want) {
					t.Errorf("%s: mails to %v, want %v", name, newMails, want)
				}
			}
		}
	}
	// 2 submit/resubmit ×… : a guard that the table above is not vacuous.
	if allowed < 20 {
		t.Fatalf("only %d allowed combinations: the table is wrong", allowed)
	}
}

func TestRequiredInput(t *testing.T) {
	db := testdbNew(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	acc := workflow.AgentActor(w.Accueil)
	inactive := &models.Service{CommuneID: w.Commune.ID, Name: "Fermé", Email: "ferme@x.test", Active: false}
	_, err := db.NewInsert().Model(inactive).Exec(ctx)
	fixture.Must(t, err)
	other := fixture.NewWorld(t, db)
	cases := []struct {
		name  string
		setup fixture.Setup
		ev    workflow.Event
		actor func(d *models.Demand) workflow.Actor
		in    workflow.Input
		field string
	}{
		{"refuse without motive", fixture.AtSubmitted, workflow.Refuse, nil, workflow.Input{Message: "   "}, "message"},
		{"correction without message", fixture.AtSubmitted, workflow.RequestCorrection, nil, workflow.Input{}, "message"},
		{"transfer without service", fixture.AtSubmitted, workflow.Transfer, nil, workflow.Input{}, "service"},
		{"transfer to unknown service", fixture.AtSubmitted, workflow.Transfer, nil, workflow.Input{ServiceID: 999999}, "service"},
		{"transfer to inactive service", fixture.AtSubmitted, workflow.Transfer, nil, workflow.Input{ServiceID: inactive.ID}, "service"},
		{"transfer to another commune's service", fixture.AtSubmitted, workflow.Transfer, nil, workflow.Input{ServiceID: other.Voirie.ID}, "service"},
		{"return without reason", fixture.AtTransferred, workflow.ReturnToGuichet,
			func(d *models.Demand) workflow.Actor { return w.ServiceOn(d, w.Voirie) }, workflow.Input{}, "message"},
		{"motive too long", fixture.AtSubmitted, workflow.Refuse, nil, workflow.Input{Message: strings.Repeat("é", workflow.MaxMessageLength+1)}, "message"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := w.DemandAt(t, tc.setup)
			before := snap(t, db, d)
			a := acc
			if tc.actor != nil {
				a = tc.actor(d)
			}
			tc.in.Version = d.Version
			_, err := w.Engine.Apply(ctx, d.ID, tc.ev, a, tc.in)
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != apperr.Invalid || e.Fields[tc.field] == "" {
				t.Fatalf("got %v, want invalid on field %s", err, tc.field)
			}
			if after := snap(t, db, d); after.version != before.version || after.events != before.events || len(after.mails) != len(before.mails) {
				t.Fatalf("refused but changed: %+v -> %+v", before, after)
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	db := testdbNew(t)
	w := fixture.NewWorld(t, db)
	other := fixture.NewWorld(t, db)
	ctx := context.Background()
	d := w.DemandAt(t, fixture.AtSubmitted)
	acc := workflow.AgentActor(w.Accueil)
	cases := []struct {
		name string
		id   int64
		ev   workflow.Event
		a    workflow.Actor
		ver  int
		code apperr.Code
		says string
	}{
		{"unknown event", d.ID, workflow.Event("explode"), acc, d.Version, apperr.Invalid, "inconnue"},
		{"stale version", d.ID, workflow.Accept, acc, d.Version - 1, apperr.Conflict, "modifié entre-temps"},
		{"another commune's demand", d.ID, workflow.Accept, workflow.AgentActor(other.Accueil), d.Version, apperr.NotFound, "n'existe pas"},
		{"no such demand", 987654321, workflow.Accept, acc, 1, apperr.NotFound, "n'existe pas"},
		{"wrong actor", d.ID, workflow.Accept, workflow.AgentActor(w.Admin), d.Version, apperr.Forbidden, "Vous ne pouvez pas agir"},
		{"event not allowed in this state", d.ID, workflow.Archive, workflow.AgentActor(w.Supervisor), d.Version, apperr.Forbidden,
			"Actions possibles : Accepter, Refuser, Demander une correction, Transmettre à un service."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.Engine.Apply(ctx, tc.id, tc.ev, tc.a, workflow.Input{Version: tc.ver})
			if apperr.CodeOf(err) != tc.code || !strings.Contains(apperr.As(err).Message, tc.says) {
				t.Fatalf("got %v, want %s saying %q", err, tc.code, tc.says)
			}
		})
	}
	if after := snap(t, db, d); after.state != workflow.Submitted || after.version != d.Version {
		t.Fatalf("bad requests changed the demand: %+v", after)
	}
}

func TestCorrectionGoesBackToWhoAsked(t *testing.T) {
	db := testdbNew(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	d := w.DemandAt(t, fixture.AtCorrectionService)
	asg := *d.AssignmentID
	newData := map[string]any{"nom": "Claude Dupont", "description": "Lampadaire éteint depuis lundi"}
	d = w.Apply(t, d, workflow.Resubmit, w.Citizen(d), workflow.Input{Data: newData})
	if d.State != workflow.Transferred || *d.ServiceID != w.Voirie.ID || *d.AssignmentID != asg {
		t.Fatalf("resubmitted to %s service %v assignment %v, want back with Voirie under assignment %d", d.State, d.ServiceID, d.AssignmentID, asg)
	}
	evs, err := models.History(ctx, db, w.Commune.ID, d.ID, false)
	fixture.Must(t, err)
	last := evs[len(evs)-1]
	changes, _ := last.Details["changes"].([]any)
	if len(changes) != 1 || !strings.Contains(toString(changes[0]), "depuis lundi") || !strings.Contains(toString(changes[0]), "rue de l'Église") {
		t.Fatalf("resubmit history details = %v, want the one changed field with old and new values", last.Details)
	}
	// The same service link still acts, and its return is hidden from the citizen.
	d = w.Apply(t, d, workflow.ReturnToGuichet, w.ServiceOn(d, w.Voirie), workflow.Input{Message: "Pas pour nous"})
	pub, err := models.History(ctx, db, w.Commune.ID, d.ID, true)
	fixture.Must(t, err)
	for _, ev := range pub {
		if ev.Message == "Pas pour nous" {
			t.Fatal("the return reason is shown in the citizen's history")
		}
	}
}

func toString(v any) string {
	m, _ := v.(map[string]any)
	var b strings.Builder
	for _, k := range []string{"field", "old", "new"} {
		if s, ok := m[k].(string); ok {
			b.WriteString(s + "|")
		}
	}
	return b.String()
}

func TestDiagramMatchesTable(t *testing.T) {
	dg := workflow.Diagram()
	for _, line := range []string{
		"draft --> submitted: submit",
		"submitted --> accepted: accept",
		"returned_to_guichet --> refused: refuse",
		"transferred --> accepted: accept [service]",
		"transferred --> correction_requested: request_correction [service]",
		"correction_requested --> submitted: resubmit",
		"correction_requested --> transferred: resubmit",
		"submitted --> transferred: transfer",
		"returned_to_guichet --> transferred: transfer",
		"transferred --> returned_to_guichet: return_to_guichet",
		"accepted --> archived: archive",
		"refused --> archived: archive",
	} {
		if !strings.Contains(dg, line) {
			t.Errorf("diagram lacks %q", line)
		}
	}
	if n := strings.Count(dg, "-->"); n != 19 {
		t.Errorf("diagram has %d arrows, want 17 transitions plus start and end:\n%s", n, dg)
	}
	if !strings.HasPrefix(dg, "stateDiagram-v2") {
		t.Errorf("not a Mermaid state diagram:\n%s", dg)
	}
}
