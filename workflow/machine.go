// Package workflow is the demand's lifecycle (a Definition, as data; its
// machine) and the one way to change a demand's state: Apply, which runs a
// transition in one transaction. It knows nothing of HTTP.
package workflow

import (
	"context"
	"errors"

	"github.com/looplab/fsm"

	"guichet/models"
)

// For is the lifecycle of a procedure's demands: the variant it names,
// checked when the procedure was loaded (see forms.Parse).
func For(p *models.Procedure) *Definition {
	if d, err := Variant(p.Variant); err == nil {
		return d
	}
	return &Standard
}

// fsmName is a move's event in the machine, which needs one destination per
// (event, source): a resubmission's moves differ by who asked.
func fsmName(ev Event, m *Move) string {
	if m.AskedBy != "" {
		return string(ev) + "@" + string(m.AskedBy)
	}
	return string(ev)
}

// machine rebuilds the definition's machine at a stored state: looplab/fsm
// keeps state in memory only, so a machine never outlives one transition.
func (d *Definition) machine(state string) *fsm.FSM {
	var evs fsm.Events
	for _, t := range d.Transitions {
		for i := range t.Moves {
			m := &t.Moves[i]
			src := make([]string, len(m.From))
			for j, s := range m.From {
				src[j] = string(s)
			}
			evs = append(evs, fsm.EventDesc{Name: fsmName(t.Event, m), Src: src, Dst: string(m.To)})
		}
	}
	return fsm.NewFSM(state, evs, nil)
}

// fire runs ev through the machine and returns the destination state.
func (d *Definition) fire(ctx context.Context, state string, ev Event, correctionBy string) (string, error) {
	mv := d.move(ev, state, correctionBy)
	if mv == nil {
		return "", fsm.InvalidEventError{Event: string(ev), State: state}
	}
	m := d.machine(state)
	if err := m.Event(ctx, fsmName(ev, mv)); err != nil {
		var noTr fsm.NoTransitionError
		if errors.As(err, &noTr) {
			return m.Current(), nil // self-loop: not an error
		}
		return "", err
	}
	return m.Current(), nil
}
