package workflow

import (
	"slices"

	"guichet/models"
	"guichet/perm"
)

// Actor kinds, as recorded in the history.
const (
	KindCitizen = "citizen"
	KindAgent   = "agent"
	KindService = "service"
	KindSystem  = "system"
)

// Channels through which an actor acts.
const (
	ChannelWeb    = "web"    // a signed-in agent, or a citizen on the portal
	ChannelLink   = "link"   // a signed link e-mailed to a service
	ChannelSystem = "system" // the program itself (automatic archiving)
	ChannelCLI    = "cli"
	ChannelEmail  = "email" // a mail received (inbound/)
)

// Actor is who fires an event. The handlers establish it (session cookie or
// signed link); the workflow checks what it may do.
type Actor struct {
	Kind string
	ID   int64 // agent or service id
	Name string
	// Perms and Procedures are an agent's profile: its permissions, and the
	// procedures whose demands it may see (empty: every one).
	Perms      perm.Set
	Procedures []int64
	CommuneID  int64
	// DemandID binds a citizen to the one demand their link opens.
	DemandID int64
	// AssignmentID binds a service to the transfer its link was made for.
	AssignmentID int64
	Channel      string
}

// CitizenActor is the citizen holding the follow link of one demand.
func CitizenActor(communeID, demandID int64, email string) Actor {
	return Actor{Kind: KindCitizen, Name: email, CommuneID: communeID, DemandID: demandID, Channel: ChannelWeb}
}

// AgentActor is a signed-in agent.
func AgentActor(a *models.Agent) Actor {
	act := Actor{Kind: KindAgent, ID: a.ID, Name: a.Name, CommuneID: a.CommuneID, Channel: ChannelWeb}
	if a.Profile != nil {
		act.Perms, act.Procedures = a.Profile.Permissions, a.Profile.ProcedureIDs
	}
	return act
}

// ServiceActor is a service acting through the link of one assignment;
// person is the name the person acting chose to give (may be empty).
func ServiceActor(s *models.Service, assignmentID int64, person string) Actor {
	name := s.Name
	if person != "" {
		name = s.Name + " (" + person + ")"
	}
	return Actor{Kind: KindService, ID: s.ID, Name: name, CommuneID: s.CommuneID, AssignmentID: assignmentID, Channel: ChannelLink}
}

// SystemActor is the program acting on its own.
func SystemActor(communeID int64) Actor {
	return Actor{Kind: KindSystem, Name: "Guichet", CommuneID: communeID, Channel: ChannelSystem}
}

// HoldsDemand tells whether a service actor holds the demand right now: the
// demand is with its service, under the very assignment its link names.
func (a Actor) HoldsDemand(d *models.Demand) bool {
	return a.Kind == KindService && d.State == Transferred &&
		d.ServiceID != nil && *d.ServiceID == a.ID &&
		d.AssignmentID != nil && *d.AssignmentID == a.AssignmentID
}

// role is the actor's role in a definition's moves.
func (a Actor) role() Role {
	switch a.Kind {
	case KindCitizen:
		return RoleCitizen
	case KindAgent:
		return RoleAgent
	case KindService:
		return RoleService
	case KindSystem:
		return RoleSystem
	}
	return ""
}

// mayFire is the actor's right to fire ev on d under the definition: a move
// from d's state is theirs, and the actor is bound to d (its commune; the
// citizen's own demand; the service's current assignment; for an agent, the
// move's permission and a demand it may see).
func (d *Definition) mayFire(a Actor, ev Event, dem *models.Demand) bool {
	m := d.move(ev, dem.State, deref(dem.CorrectionBy))
	if m == nil || a.CommuneID != dem.CommuneID || !slices.Contains(m.By, a.role()) {
		return false
	}
	switch a.Kind {
	case KindAgent:
		return a.Perms.Has(m.Need) && a.MaySee(dem)
	case KindCitizen:
		return a.DemandID == dem.ID
	case KindService:
		return a.HoldsDemand(dem)
	}
	return true
}

// Allowed lists, in the definition's order, the events this actor may fire on d now.
func (d *Definition) Allowed(dem *models.Demand, a Actor) []Event {
	var out []Event
	for _, t := range d.Transitions {
		if d.mayFire(a, t.Event, dem) {
			out = append(out, t.Event)
		}
	}
	return out
}
