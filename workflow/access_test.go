package workflow_test

import (
	"slices"
	"testing"

	"guichet/models"
	"guichet/workflow"
)

// A supervisor sees every state, drafts included; the accueil (and an
// admin) only what the citizen has sent.
func TestVisibleTo(t *testing.T) {
	if got := workflow.VisibleTo(models.RoleSupervisor); !slices.Equal(got, workflow.AllStates) {
		t.Errorf("supervisor sees %v, want every state", got)
	}
	for _, role := range []string{models.RoleAccueil, models.RoleAdmin} {
		got := workflow.VisibleTo(role)
		if slices.Contains(got, workflow.Draft) || len(got) != len(workflow.AllStates)-1 {
			t.Errorf("%s sees %v, want every state but the draft", role, got)
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
