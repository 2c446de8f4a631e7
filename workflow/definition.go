package workflow

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"guichet/perm"
)

// The lifecycle of a demand as data: its states, and for each event the moves
// it makes, who may make them, the input it requires, the mails it sends and
// its wording. The machine, the actions each screen offers, the lists' state
// sets, the diagram and the mails are derived from a Definition.

// State is a demand's state. The constants below are untyped so that a stored
// state (the string column demands.state) compares with them.
type State string

// States of the standard lifecycle.
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

// Event is what a person (or the system) fires.
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

// Role is a side of a demand, as the diagram names them: who may fire an
// event, who is e-mailed, who asked a correction.
type Role string

const (
	RoleCitizen Role = "usager"
	// RoleAgent is a signed-in agent, who may make a move only with the
	// move's Need permission.
	RoleAgent Role = "agent"
	// RoleAccueil is the accueil's side: its agents are e-mailed, it asks corrections.
	RoleAccueil Role = "accueil"
	RoleService Role = "service"
	RoleSystem  Role = "système"
)

// InputKind is something an actor types or chooses with an event.
type InputKind string

const (
	InputMessage InputKind = "message" // a motive, a correction message, a return reason
	InputFields  InputKind = "fields"  // the fields a correction names
	InputService InputKind = "service" // the service a transfer targets
)

// State sets, for the lists and dashboards.
const (
	SetGuichet  = "guichet"  // the accueil must act on it (its queue)
	SetService  = "service"  // a service holds it
	SetDecided  = "decided"  // decided, awaiting archiving
	SetUnsent   = "unsent"   // the citizen has not sent it: the accueil does not see it
	SetBoard    = "board"    // a service's board lists it (held, or awaiting the correction it asked)
	SetEditable = "editable" // the citizen may change its answers and files
)

// StateDef is a state and how pages name it.
type StateDef struct {
	State State
	Label string // agents' French label
	// CitizenLabel and CitizenExplanation say where the demand stands, in the
	// citizen's words: the commune's inner routing is not theirs to follow.
	CitizenLabel, CitizenExplanation string
	// Final states are terminal: nothing leaves them.
	Final bool
	Sets  []string
}

// Requirement is an input an event cannot go without.
type Requirement struct {
	Input   InputKind
	Missing string // the French message when it is missing
}

// Move is one way an event takes a demand from some states to another.
type Move struct {
	From []State
	To   State
	By   []Role
	// Need is the permission an agent (RoleAgent) must hold to make the move.
	Need perm.Permission
	// AskedBy, when set, restricts the move to a pending correction asked by
	// that side (accueil or service): a resubmission goes back to whoever asked.
	AskedBy Role
	Mails   []Role // who is e-mailed, in order
	Note    string // how the diagram tells this move from its siblings
}

// Transition is an event, its moves and its wording.
type Transition struct {
	Event    Event
	Label    string // as a button says it
	Requires []Requirement
	Moves    []Move
	// Public is the history's wording for the citizen; empty, the entry is
	// internal. Internal is the agents' and services' wording. "{service}"
	// stands for the service a transfer went to.
	Public, Internal string
}

// Definition is a lifecycle: its states (the first is where a demand
// starts), its events and the inputs its screens collect.
type Definition struct {
	Name        string
	States      []StateDef
	Transitions []Transition
	Inputs      []InputKind
}

// Standard is the lifecycle of DESIGN.md.
var Standard = Definition{
	Name: "standard",
	States: []StateDef{
		{State: Draft, Label: "Brouillon", Sets: []string{SetUnsent, SetEditable}},
		{State: Submitted, Label: "À vérifier par l'accueil", Sets: []string{SetGuichet},
			CitizenLabel: "En cours de vérification", CitizenExplanation: "L'accueil de la mairie vérifie votre demande. Vous serez prévenu par e-mail de la suite."},
		{State: CorrectionRequested, Label: "En attente de correction", Sets: []string{SetBoard, SetEditable},
			CitizenLabel: "Correction demandée", CitizenExplanation: "La mairie attend une correction ou un complément de votre part : lisez ci-dessous ce qui est demandé, modifiez votre demande puis renvoyez-la."},
		{State: Transferred, Label: "Transmise à un service", Sets: []string{SetService, SetBoard},
			CitizenLabel: "En cours de traitement", CitizenExplanation: "Votre demande a été transmise au service compétent de la mairie, qui l'examine. Vous serez prévenu par e-mail de la décision."},
		{State: ReturnedToGuichet, Label: "Renvoyée à l'accueil", Sets: []string{SetGuichet},
			CitizenLabel: "En cours de vérification", CitizenExplanation: "L'accueil de la mairie vérifie votre demande. Vous serez prévenu par e-mail de la suite."},
		{State: Accepted, Label: "Acceptée", Sets: []string{SetDecided},
			CitizenLabel: "Acceptée", CitizenExplanation: "Votre demande a été acceptée."},
		{State: Refused, Label: "Refusée", Sets: []string{SetDecided},
			CitizenLabel: "Refusée", CitizenExplanation: "Votre demande a été refusée. Le motif figure dans l'historique ci-dessous."},
		{State: Archived, Label: "Archivée", Final: true,
			CitizenLabel: "Close", CitizenExplanation: "Votre demande est close et archivée."},
	},
	Inputs: []InputKind{InputMessage, InputFields, InputService},
	Transitions: []Transition{
		{Event: Submit, Label: "Déposer la demande", Public: "Demande déposée.", Internal: "Demande déposée",
			Moves: []Move{{From: []State{Draft}, To: Submitted, By: []Role{RoleCitizen}, Mails: []Role{RoleCitizen, RoleAccueil}}}},
		{Event: Accept, Label: "Accepter", Public: "Demande acceptée.", Internal: "Demande acceptée",
			Moves: []Move{
				{From: []State{Submitted, ReturnedToGuichet}, To: Accepted, By: agent, Need: perm.Decide, Mails: []Role{RoleCitizen}},
				{From: []State{Transferred}, To: Accepted, By: []Role{RoleService}, Mails: []Role{RoleCitizen}},
			}},
		{Event: Refuse, Label: "Refuser", Public: "Demande refusée. Motif :", Internal: "Demande refusée",
			Requires: []Requirement{{InputMessage, "Indiquez le motif du refus : l'usager le recevra."}},
			Moves: []Move{
				{From: []State{Submitted, ReturnedToGuichet}, To: Refused, By: agent, Need: perm.Decide, Mails: []Role{RoleCitizen}},
				{From: []State{Transferred}, To: Refused, By: []Role{RoleService}, Mails: []Role{RoleCitizen}},
			}},
		{Event: RequestCorrection, Label: "Demander une correction",
			Public: "La mairie vous demande une correction :", Internal: "Correction demandée à l'usager",
			Requires: []Requirement{{InputMessage, "Indiquez ce que l'usager doit corriger ou compléter."}},
			Moves: []Move{
				{From: []State{Submitted, ReturnedToGuichet}, To: CorrectionRequested, By: agent, Need: perm.Decide, Mails: []Role{RoleCitizen}},
				{From: []State{Transferred}, To: CorrectionRequested, By: []Role{RoleService}, Mails: []Role{RoleCitizen}},
			}},
		{Event: Resubmit, Label: "Renvoyer la demande corrigée", Public: "Demande corrigée et renvoyée.", Internal: "Demande corrigée par l'usager",
			Moves: []Move{
				{From: []State{CorrectionRequested}, To: Submitted, By: []Role{RoleCitizen}, AskedBy: RoleAccueil,
					Mails: []Role{RoleAccueil, RoleCitizen}, Note: "correction demandée par l'accueil"},
				{From: []State{CorrectionRequested}, To: Transferred, By: []Role{RoleCitizen}, AskedBy: RoleService,
					Mails: []Role{RoleService, RoleCitizen}, Note: "correction demandée par le service"},
			}},
		{Event: Transfer, Label: "Transmettre à un service",
			Public: "Demande transmise au service {service}.", Internal: "Transmise au service {service}",
			Requires: []Requirement{{InputService, "Choisissez le service auquel transmettre la demande."}},
			// The system transfers as a routing rule allows it (routing.Manager).
			Moves: []Move{{From: []State{Submitted, ReturnedToGuichet}, To: Transferred, By: []Role{RoleAgent, RoleSystem}, Need: perm.Transfer, Mails: []Role{RoleCitizen, RoleService}}}},
		// Why the routing was wrong is for the accueil, not for the citizen: no public wording.
		{Event: ReturnToGuichet, Label: "Renvoyer à l'accueil", Internal: "Renvoyée à l'accueil",
			Requires: []Requirement{{InputMessage, "Indiquez pourquoi la demande revient à l'accueil."}},
			Moves:    []Move{{From: []State{Transferred}, To: ReturnedToGuichet, By: []Role{RoleService}, Mails: []Role{RoleAccueil}}}},
		{Event: Archive, Label: "Archiver", Public: "Demande archivée.", Internal: "Demande archivée",
			Moves: []Move{{From: []State{Accepted, Refused}, To: Archived, By: []Role{RoleAgent, RoleSystem}, Need: perm.Supervise}}},
	},
}

var agent = []Role{RoleAgent}

// SansService is the standard lifecycle without services: the accueil
// decides everything itself.
var SansService = Standard.Without("sans_service", []Event{Transfer, ReturnToGuichet}, []State{Transferred, ReturnedToGuichet}, []InputKind{InputService})

// Variants are the lifecycles a procedure may name (« variante » in its file).
var Variants = map[string]*Definition{Standard.Name: &Standard, SansService.Name: &SansService}

// Variant is the lifecycle a procedure names; "" is the standard one.
func Variant(name string) (*Definition, error) {
	if name == "" {
		return &Standard, nil
	}
	if d, ok := Variants[name]; ok {
		return d, nil
	}
	names := make([]string, 0, len(Variants))
	for n := range Variants {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("variante « %s » inconnue (variantes possibles : %s)", name, strings.Join(names, ", "))
}

// Without is a variant of d named name: without the events, the states
// (and every move from or to them) and the inputs given.
func (d Definition) Without(name string, events []Event, states []State, inputs []InputKind) Definition {
	out := Definition{Name: name}
	for _, s := range d.States {
		if !slices.Contains(states, s.State) {
			out.States = append(out.States, s)
		}
	}
	for _, in := range d.Inputs {
		if !slices.Contains(inputs, in) {
			out.Inputs = append(out.Inputs, in)
		}
	}
	for _, t := range d.Transitions {
		if slices.Contains(events, t.Event) {
			continue
		}
		var moves []Move
		for _, m := range t.Moves {
			m.From = slices.DeleteFunc(slices.Clone(m.From), func(s State) bool { return slices.Contains(states, s) })
			if len(m.From) > 0 && !slices.Contains(states, m.To) {
				moves = append(moves, m)
			}
		}
		if t.Moves = moves; len(moves) > 0 {
			out.Transitions = append(out.Transitions, t)
		}
	}
	return out
}

// Check finds the first fault of a definition, in French: a state no event
// reaches from the first, an open state nothing leaves, a move to or from
// an undeclared state, an input required but not declared.
func (d *Definition) Check() error {
	fault := func(format string, a ...any) error {
		return fmt.Errorf("La variante « %s » est invalide : %s.", d.Name, fmt.Sprintf(format, a...))
	}
	if len(d.States) == 0 {
		return fault("elle ne déclare aucun état")
	}
	for _, t := range d.Transitions {
		for _, r := range t.Requires {
			if !slices.Contains(d.Inputs, r.Input) {
				return fault("l'action « %s » demande une saisie (« %s ») que la variante ne déclare pas", t.Label, r.Input)
			}
		}
		for _, m := range t.Moves {
			for _, s := range append(slices.Clone(m.From), m.To) {
				if d.state(string(s)) == nil {
					return fault("l'action « %s » passe par l'état « %s », qui n'est pas déclaré", t.Label, s)
				}
			}
			if slices.Contains(m.By, RoleAgent) && !perm.Known(m.Need) {
				return fault("l'action « %s » est ouverte aux agents sans dire avec quelle permission", t.Label)
			}
		}
	}
	reached := map[State]bool{d.States[0].State: true}
	for grew := true; grew; {
		grew = false
		for _, t := range d.Transitions {
			for _, m := range t.Moves {
				if !reached[m.To] && slices.ContainsFunc(m.From, func(s State) bool { return reached[s] }) {
					reached[m.To], grew = true, true
				}
			}
		}
	}
	for _, s := range d.States {
		if !reached[s.State] {
			return fault("l'état « %s » est inaccessible", s.Label)
		}
		if !s.Final && len(d.EventsFrom(string(s.State))) == 0 {
			return fault("l'état « %s » n'a aucune issue", s.Label)
		}
	}
	return nil
}

func (d *Definition) state(s string) *StateDef {
	for i := range d.States {
		if string(d.States[i].State) == s {
			return &d.States[i]
		}
	}
	return nil
}

func (d *Definition) transition(ev Event) *Transition {
	for i := range d.Transitions {
		if d.Transitions[i].Event == ev {
			return &d.Transitions[i]
		}
	}
	return nil
}

// move is the move ev makes from state, given who asked for the pending
// correction; nil if none.
func (d *Definition) move(ev Event, state, correctionBy string) *Move {
	t := d.transition(ev)
	if t == nil {
		return nil
	}
	for i, m := range t.Moves {
		if slices.Contains(m.From, State(state)) && (m.AskedBy == "" || string(m.AskedBy) == correctionBy) {
			return &t.Moves[i]
		}
	}
	return nil
}

// AllStates lists the definition's states in lifecycle order.
func (d *Definition) AllStates() []string {
	out := make([]string, len(d.States))
	for i, s := range d.States {
		out[i] = string(s.State)
	}
	return out
}

// In lists, in lifecycle order, the states of a set (SetGuichet…).
func (d *Definition) In(set string) []string {
	var out []string
	for _, s := range d.States {
		if slices.Contains(s.Sets, set) {
			out = append(out, string(s.State))
		}
	}
	return out
}

// Sent lists, in lifecycle order, the states of demands the citizen has sent.
func (d *Definition) Sent() []string {
	var out []string
	for _, s := range d.States {
		if !slices.Contains(s.Sets, SetUnsent) {
			out = append(out, string(s.State))
		}
	}
	return out
}

// EventsFrom lists, in the definition's order, the events some move makes from state.
func (d *Definition) EventsFrom(state string) []Event {
	var out []Event
	for _, t := range d.Transitions {
		if slices.ContainsFunc(t.Moves, func(m Move) bool { return slices.Contains(m.From, State(state)) }) {
			out = append(out, t.Event)
		}
	}
	return out
}

// Diagram draws the lifecycle as a Mermaid state diagram, with French
// labels and the roles who may fire each event (an agent with the permission named).
func (d *Definition) Diagram() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, s := range d.States {
		fmt.Fprintf(&b, "    %s: %s\n", s.State, s.Label)
	}
	fmt.Fprintf(&b, "    [*] --> %s\n", d.States[0].State)
	var lines []string
	for _, t := range d.Transitions {
		for _, m := range t.Moves {
			name := string(t.Event)
			if m.Note != "" {
				name += " (" + m.Note + ")"
			}
			by := make([]string, len(m.By))
			for i, r := range m.By {
				by[i] = string(r)
				if r == RoleAgent {
					by[i] += " (" + string(m.Need) + ")"
				}
			}
			for _, src := range m.From {
				lines = append(lines, fmt.Sprintf("    %s --> %s: %s [%s]", src, m.To, name, strings.Join(by, ", ")))
			}
		}
	}
	sort.Strings(lines)
	b.WriteString(strings.Join(lines, "\n"))
	b.WriteString("\n")
	for _, s := range d.States {
		if s.Final {
			fmt.Fprintf(&b, "    %s --> [*]\n", s.State)
		}
	}
	return b.String()
}

// The standard lifecycle's helpers: the labels of states and events are the
// same in every variant.

// AllStates lists the standard states in lifecycle order.
var AllStates = Standard.AllStates()

// AllEvents lists every event of the standard lifecycle, in its order.
var AllEvents = func() []Event {
	out := make([]Event, len(Standard.Transitions))
	for i, t := range Standard.Transitions {
		out[i] = t.Event
	}
	return out
}()

// EventsFrom lists the standard lifecycle's events from state.
func EventsFrom(state string) []Event { return Standard.EventsFrom(state) }

// Diagram draws the standard lifecycle.
func Diagram() string { return Standard.Diagram() }

// StateLabel is a state's French label.
func StateLabel(s string) string {
	if def := Standard.state(s); def != nil {
		return def.Label
	}
	return s
}

// CitizenStatus says where a demand in state s stands, in the citizen's words.
func CitizenStatus(s string) (label, explanation string) {
	if def := Standard.state(s); def != nil && def.CitizenLabel != "" {
		return def.CitizenLabel, def.CitizenExplanation
	}
	return StateLabel(s), ""
}

// EventLabel is an event's French label (as a button would say it).
func EventLabel(ev Event) string {
	if t := Standard.transition(ev); t != nil {
		return t.Label
	}
	return string(ev)
}
