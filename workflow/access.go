package workflow

import (
	"slices"

	"guichet/models"
)

// What each side may see and change of a demand, by its state: the one home
// of these rules for every page (and, later, the API and inbound mail).

// VisibleTo lists the states of the demands an agent of role may see: a
// supervisor every state, drafts included; the others only what the citizen
// has sent.
func VisibleTo(role string) []string {
	if role == models.RoleSupervisor {
		return AllStates
	}
	return Standard.Sent()
}

// CitizenEditable lists the states in which the citizen may change a
// demand's answers and files: a draft, or a demand whose correction is asked.
var CitizenEditable = Standard.In(SetEditable)

// CitizenMayEdit tells whether the citizen may change a demand in state.
func CitizenMayEdit(state string) bool { return slices.Contains(CitizenEditable, state) }
