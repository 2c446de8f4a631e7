// Package workflow is the demand's state machine and the one way to change a
// demand's state: Apply, which runs a transition in one transaction. It knows
// nothing of HTTP.
package workflow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/looplab/fsm"
)

// States of a demand.
const (
	Draft               = "draft"
	Submitted           = "submitted"
	CorrectionRequested = "correction_requested"
	Transferred         = "transferred"
	ReturnedToGuichet   = "returned_to_guichet"
	Accepted            = "accepted"
	Refused             = "refused"
	Archived            = "archived"
)

// AllStates in lifecycle order.
var AllStates = []string{Draft, Submitted, CorrectionRequested, Transferred, ReturnedToGuichet, Accepted, Refused, Archived}

// Events a person (or the system) can fire.
type Event string

const (
	Submit            Event = "submit"
	Accept            Event = "accept"
	Refuse            Event = "refuse"
	RequestCorrection Event = "request_correction"
	Resubmit          Event = "resubmit"
	Transfer          Event = "transfer"
	ReturnToGuichet   Event = "return_to_guichet"
	Archive           Event = "archive"
)

// AllEvents in the order of DESIGN.md's table.
var AllEvents = []Event{Submit, Accept, Refuse, RequestCorrection, Resubmit, Transfer, ReturnToGuichet, Archive}

// Resubmission goes back to whoever asked for the correction; the FSM needs
// one destination per (event, source), so it knows two internal events.
const (
	resubmitToAccueil = "resubmit_to_accueil"
	resubmitToService = "resubmit_to_service"
)

var guichetStates = []string{Submitted, ReturnedToGuichet}

var transitions = fsm.Events{
	{Name: string(Submit), Src: []string{Draft}, Dst: Submitted},
	{Name: string(Accept), Src: append(guichetStates, Transferred), Dst: Accepted},
	{Name: string(Refuse), Src: append(guichetStates, Transferred), Dst: Refused},
	{Name: string(RequestCorrection), Src: append(guichetStates, Transferred), Dst: CorrectionRequested},
	{Name: resubmitToAccueil, Src: []string{CorrectionRequested}, Dst: Submitted},
	{Name: resubmitToService, Src: []string{CorrectionRequested}, Dst: Transferred},
	{Name: string(Transfer), Src: guichetStates, Dst: Transferred},
	{Name: string(ReturnToGuichet), Src: []string{Transferred}, Dst: ReturnedToGuichet},
	{Name: string(Archive), Src: []string{Accepted, Refused}, Dst: Archived},
}

// newMachine rebuilds the machine at a stored state: looplab/fsm keeps state in
// memory only, so a machine never outlives one transition.
func newMachine(state string) *fsm.FSM {
	return fsm.NewFSM(state, transitions, nil)
}

// fsmEvent maps a public event to the FSM's, resolving resubmit by who asked.
func fsmEvent(ev Event, correctionBy string) string {
	if ev == Resubmit {
		if correctionBy == "service" {
			return resubmitToService
		}
		return resubmitToAccueil
	}
	return string(ev)
}

// fire runs the FSM event and returns the destination state.
func fire(ctx context.Context, state string, ev Event, correctionBy string) (string, error) {
	m := newMachine(state)
	if err := m.Event(ctx, fsmEvent(ev, correctionBy)); err != nil {
		var noTr fsm.NoTransitionError
		if errors.As(err, &noTr) {
			return m.Current(), nil // self-loop: not an error
		}
		return "", err
	}
	return m.Current(), nil
}

// EventsFrom lists the public events the machine allows from state, in a stable order.
func EventsFrom(state string) []Event {
	m := newMachine(state)
	var out []Event
	for _, ev := range AllEvents {
		if m.Can(fsmEvent(ev, "accueil")) || (ev == Resubmit && m.Can(resubmitToService)) {
			out = append(out, ev)
		}
	}
	return out
}

// Diagram draws the state machine as a Mermaid state diagram, with French
// labels and the actors who may fire each event.
func Diagram() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, s := range AllStates {
		fmt.Fprintf(&b, "    %s: %s\n", s, StateLabel(s))
	}
	b.WriteString("    [*] --> draft\n")
	var lines []string
	for _, t := range transitions {
		name := t.Name
		who := whoLabel[Event(name)]
		switch name {
		case resubmitToAccueil:
			name, who = string(Resubmit)+" (correction demandée par l'accueil)", whoLabel[Resubmit]
		case resubmitToService:
			name, who = string(Resubmit)+" (correction demandée par le service)", whoLabel[Resubmit]
		}
		for _, src := range t.Src {
			by := who
			if (name == string(Accept) || name == string(Refuse) || name == string(RequestCorrection)) && src == Transferred {
				by = "service"
			}
			lines = append(lines, fmt.Sprintf("    %s --> %s: %s [%s]", src, t.Dst, name, by))
		}
	}
	sort.Strings(lines)
	b.WriteString(strings.Join(lines, "\n"))
	b.WriteString("\n    archived --> [*]\n")
	return b.String()
}

var whoLabel = map[Event]string{
	Submit:            "usager",
	Accept:            "accueil, superviseur",
	Refuse:            "accueil, superviseur",
	RequestCorrection: "accueil, superviseur",
	Resubmit:          "usager",
	Transfer:          "accueil, superviseur",
	ReturnToGuichet:   "service",
	Archive:           "superviseur, système",
}

var stateLabels = map[string]string{
	Draft:               "Brouillon",
	Submitted:           "À vérifier par l'accueil",
	CorrectionRequested: "En attente de correction",
	Transferred:         "Transmise à un service",
	ReturnedToGuichet:   "Renvoyée à l'accueil",
	Accepted:            "Acceptée",
	Refused:             "Refusée",
	Archived:            "Archivée",
}

// StateLabel is a state's French label.
func StateLabel(s string) string {
	if l, ok := stateLabels[s]; ok {
		return l
	}
	return s
}

var eventLabels = map[Event]string{
	Submit:            "Déposer la demande",
	Accept:            "Accepter",
	Refuse:            "Refuser",
	RequestCorrection: "Demander une correction",
	Resubmit:          "Renvoyer la demande corrigée",
	Transfer:          "Transmettre à un service",
	ReturnToGuichet:   "Renvoyer à l'accueil",
	Archive:           "Archiver",
}

// EventLabel is an event's French label (as a button would say it).
func EventLabel(ev Event) string {
	if l, ok := eventLabels[ev]; ok {
		return l
	}
	return string(ev)
}
