package workflow_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"guichet/apperr"
	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
	"guichet/workflow"
)

func TestEveryVariantPassesItsCheck(t *testing.T) {
	for name, d := range workflow.Variants {
		if d.Name != name {
			t.Errorf("variant %q is registered as %q", d.Name, name)
		}
		if err := d.Check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The check refuses, in French and naming the fault, a variant with an
// unreachable state, one with a dead end, and one requiring an input it
// does not declare.
func TestCheckRefusesABrokenVariant(t *testing.T) {
	for _, c := range []struct {
		def  workflow.Definition
		want string
	}{
		// Without return to the accueil, nothing reaches "returned".
		{workflow.Standard.Without("sans_renvoi", []workflow.Event{workflow.ReturnToGuichet}, nil, nil),
			"La variante « sans_renvoi » est invalide : l'état « Renvoyée à l'accueil » est inaccessible."},
		// Without archiving, a decided demand stays open forever.
		{workflow.Standard.Without("sans_archivage", []workflow.Event{workflow.Archive}, nil, nil),
			"La variante « sans_archivage » est invalide : l'état « Acceptée » n'a aucune issue."},
		// A transfer needs a service that the variant's screens do not ask for.
		{workflow.Standard.Without("sans_choix", nil, nil, []workflow.InputKind{workflow.InputService}),
			"La variante « sans_choix » est invalide : l'action « Transmettre à un service » demande une saisie (« service ») que la variante ne déclare pas."},
	} {
		err := c.def.Check()
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v, want %q", c.def.Name, err, c.want)
		}
	}
}

// doubleValidation is a test-only variant: an acceptance by the accueil
// waits for a supervisor's validation. A new state and a new transition are
// one edit to the definition each, wording included.
func doubleValidation() workflow.Definition {
	const pending = "pending_validation"
	const validate workflow.Event = "validate"
	d := workflow.Standard.Without("double_validation", nil, nil, nil)
	d.States = append(d.States, workflow.StateDef{State: pending, Label: "En attente de validation", Sets: []string{workflow.SetGuichet}})
	accept := slices.IndexFunc(d.Transitions, func(t workflow.Transition) bool { return t.Event == workflow.Accept })
	d.Transitions[accept].Moves = slices.Clone(d.Transitions[accept].Moves)
	d.Transitions[accept].Moves[0].To = pending
	d.Transitions = append(d.Transitions, workflow.Transition{Event: validate, Label: "Valider l'acceptation",
		Public: "Demande acceptée.", Internal: "Acceptation validée",
		Moves: []workflow.Move{{From: []workflow.State{pending}, To: workflow.Accepted, By: []workflow.Role{workflow.RoleAgent}, Need: perm.Supervise, Mails: []workflow.Role{workflow.RoleCitizen}}}})
	return d
}

func TestATestOnlyVariantIsOneEdit(t *testing.T) {
	d := doubleValidation()
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	dem := &models.Demand{ID: 1, CommuneID: 1, State: workflow.Submitted}
	accueil := workflow.Actor{Kind: workflow.KindAgent, Perms: perm.Set{perm.See, perm.Decide}, CommuneID: 1}
	supervisor := workflow.Actor{Kind: workflow.KindAgent, Perms: perm.Set{perm.See, perm.Supervise}, CommuneID: 1}
	if got := d.Allowed(dem, accueil); !slices.Contains(got, workflow.Accept) {
		t.Fatalf("the accueil may %v, want accept among them", got)
	}
	dem.State = "pending_validation"
	if got := d.Allowed(dem, accueil); len(got) != 0 {
		t.Errorf("the accueil may %v on a pending validation, want nothing", got)
	}
	if got := d.Allowed(dem, supervisor); !slices.Equal(got, []workflow.Event{"validate"}) {
		t.Errorf("the supervisor may %v on a pending validation, want validate", got)
	}
	dg := d.Diagram()
	for _, line := range []string{"submitted --> pending_validation: accept [agent (decider)]", "pending_validation --> accepted: validate [agent (superviser)]"} {
		if !strings.Contains(dg, line) {
			t.Errorf("diagram lacks %q:\n%s", line, dg)
		}
	}
	// Without its way out, the new state is a dead end.
	broken := d.Without("double_validation", []workflow.Event{"validate"}, nil, nil)
	if err := broken.Check(); err == nil || !strings.Contains(err.Error(), "« En attente de validation » n'a aucune issue") {
		t.Errorf("a pending validation without validate: %v", err)
	}
}

// A procedure on the variant without services: the accueil decides alone,
// and a transfer is refused, in French, with what may be done instead.
func TestAProcedureFollowsItsVariant(t *testing.T) {
	db := testdbNew(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	_, err := db.NewUpdate().Model(&w.Procedure.ProcedureVersion).Set("variant = ?", workflow.SansService.Name).WherePK().Exec(ctx)
	fixture.Must(t, err)
	d := w.DemandAt(t, fixture.AtSubmitted)
	_, err = w.Engine.Apply(ctx, d.ID, workflow.Transfer, workflow.AgentActor(w.Accueil), workflow.Input{Version: d.Version, ServiceID: w.Voirie.ID})
	want := "Action « Transmettre à un service » impossible : la demande est « À vérifier par l'accueil ». Actions possibles : Accepter, Refuser, Demander une correction."
	if apperr.CodeOf(err) != apperr.Forbidden || apperr.As(err).Message != want {
		t.Fatalf("transfer on sans_service: %v, want %q", err, want)
	}
	d = w.Apply(t, d, workflow.Accept, workflow.AgentActor(w.Accueil), workflow.Input{})
	if d.State != workflow.Accepted {
		t.Fatalf("state %s, want accepted", d.State)
	}
}

// The schema allows every state of every variant, and its partial indexes
// cover exactly the state sets the lists ask for.
func TestMigrationsHoldTheLifecycle(t *testing.T) {
	files, err := filepath.Glob("../migrations/*.up.sql")
	fixture.Must(t, err)
	sort.Strings(files)
	var sql string
	for _, f := range files {
		b, err := os.ReadFile(f)
		fixture.Must(t, err)
		sql += string(b) + "\n"
	}
	list := func(s string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`'([a-z_]+)'`).FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		sort.Strings(out)
		return out
	}
	checks := regexp.MustCompile(`(?s)CHECK \(state IN \(([^)]*)\)\)`).FindAllStringSubmatch(sql, -1)
	if len(checks) == 0 {
		t.Fatal("no CHECK on demands.state in the migrations")
	}
	allowed := list(checks[len(checks)-1][1])
	for name, d := range workflow.Variants {
		for _, s := range d.AllStates() {
			if !slices.Contains(allowed, s) {
				t.Errorf("variant %s: state %s is not allowed by the CHECK (%v)", name, s, allowed)
			}
		}
	}
	if got, want := allowed, slices.Sorted(slices.Values(workflow.AllStates)); !slices.Equal(got, want) {
		t.Errorf("CHECK allows %v, the standard lifecycle has %v", got, want)
	}
	// Each partial index over states is one of the lifecycle's sets.
	sets := map[string][]string{
		"demands_queue_received_idx": workflow.Standard.In(workflow.SetGuichet),
		"demands_service_held_idx":   workflow.Standard.In(workflow.SetBoard),
		"demands_queue_due_idx":      workflow.Standard.In(workflow.SetGuichet),
	}
	indexes := regexp.MustCompile(`(?s)CREATE INDEX (\w+) ON demands [^;]*?WHERE state IN \(([^)]*)\)`).FindAllStringSubmatch(sql, -1)
	if len(indexes) != len(sets) {
		t.Errorf("%d partial indexes over states, want %d", len(indexes), len(sets))
	}
	for _, m := range indexes {
		want, ok := sets[m[1]]
		if !ok {
			t.Errorf("partial index %s: which state set is it? Add it here", m[1])
			continue
		}
		if got := list(m[2]); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
			t.Errorf("partial index %s covers %v, the lifecycle's set is %v", m[1], got, want)
		}
	}
}
