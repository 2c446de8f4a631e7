package workflow

import (
	"slices"

	"guichet/models"
	"guichet/perm"
)

// What each side may see and change of a demand, by its state: the one home
// of these rules for every page (and, later, the API and inbound mail).

// VisibleStates lists the states of the demands an agent may see: with
// perm.Supervise every state, drafts included; with perm.See only what the
// citizen has sent; without perm.See none (nil: the routes that list
// demands require it).
func (a Actor) VisibleStates() []string {
	switch {
	case a.Kind != KindAgent || !a.Perms.Has(perm.See):
		return nil
	case a.Perms.Has(perm.Supervise):
		return AllStates
	}
	return Standard.Sent()
}

// InScope tells whether the agent's profile covers a procedure.
func (a Actor) InScope(procedureID int64) bool {
	return len(a.Procedures) == 0 || slices.Contains(a.Procedures, procedureID)
}

// Scope is the procedures an agent's lists are limited to (nil: every one).
func (a Actor) Scope() []int64 {
	if len(a.Procedures) == 0 {
		return nil
	}
	return a.Procedures
}

// MaySee tells whether an agent may see (open, find, list, note) a demand:
// of its commune, of a procedure of its scope, in a state it may see.
func (a Actor) MaySee(d *models.Demand) bool {
	if a.Kind != KindAgent || a.CommuneID != d.CommuneID || !a.InScope(d.ProcedureID) || !a.Perms.Has(perm.See) {
		return false
	}
	// As VisibleStates says, for any variant's states too.
	return a.Perms.Has(perm.Supervise) || !slices.Contains(unsent, d.State)
}

var unsent = Standard.In(SetUnsent)

// CitizenEditable lists the states in which the citizen may change a
// demand's answers and files: a draft, or a demand whose correction is asked.
var CitizenEditable = Standard.In(SetEditable)

// CitizenMayEdit tells whether the citizen may change a demand in state.
func CitizenMayEdit(state string) bool { return slices.Contains(CitizenEditable, state) }

// hides tells whether d is out of an agent's profile's procedures: the
// domain functions answer that it does not exist, as the pages do.
func (a Actor) hides(d *models.Demand) bool { return a.Kind == KindAgent && !a.InScope(d.ProcedureID) }
