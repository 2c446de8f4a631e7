package workflow_test

import (
	"slices"
	"testing"

	"guichet/models"
	"guichet/perm"
	"guichet/workflow"
)

// With perm.Supervise an agent sees every state, drafts included; with
// perm.See alone only what the citizen has sent; without perm.See, nothing.
// The profile's procedures bound what it sees, and another commune's
// demand is never seen.
func TestWhatAnAgentSees(t *testing.T) {
	agent := func(perms perm.Set, procedures ...int64) workflow.Actor {
		return workflow.Actor{Kind: workflow.KindAgent, CommuneID: 1, Perms: perms, Procedures: procedures}
	}
	if got := agent(perm.Set{perm.See, perm.Supervise}).VisibleStates(); !slices.Equal(got, workflow.AllStates) {
		t.Errorf("a supervisor sees %v, want every state", got)
	}
	got := agent(perm.Set{perm.See}).VisibleStates()
	if slices.Contains(got, workflow.Draft) || len(got) != len(workflow.AllStates)-1 {
		t.Errorf("the accueil sees %v, want every state but the draft", got)
	}
	if got := agent(perm.Set{perm.Administer}).VisibleStates(); len(got) != 0 {
		t.Errorf("an admin sees %v, want nothing", got)
	}
	d := &models.Demand{CommuneID: 1, ProcedureID: 7, State: workflow.Submitted}
	for _, tc := range []struct {
		name  string
		actor workflow.Actor
		want  bool
	}{
		{"every procedure", agent(perm.Set{perm.See}), true},
		{"its procedure", agent(perm.Set{perm.See}, 7), true},
		{"other procedures", agent(perm.Set{perm.See}, 6, 8), false},
		{"no See", agent(perm.Set{perm.Export}), false},
		{"other commune", workflow.Actor{Kind: workflow.KindAgent, CommuneID: 2, Perms: perm.Set{perm.See}}, false},
	} {
		if got := tc.actor.MaySee(d); got != tc.want {
			t.Errorf("%s: MaySee = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The citizen changes a demand only as a draft or while a correction is asked.
func TestCitizenMayEdit(t *testing.T) {
	for _, s := range workflow.AllStates {
		want := s == workflow.Draft || s == workflow.CorrectionRequested
		if got := workflow.CitizenMayEdit(s); got != want {
			t.Errorf("CitizenMayEdit(%s) = %v, want %v", s, got, want)
		}
	}
}
