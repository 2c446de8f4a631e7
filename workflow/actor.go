package workflow

import (
	"slices"

	"guichet/models"
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
)

// Actor is who fires an event. The handlers establish it (session cookie or
// signed link); the workflow checks what it may do.
type Actor struct {
	Kind      string
	ID        int64 // agent or service id
	Role      string
	Name      string
	CommuneID int64
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
	return Actor{Kind: KindAgent, ID: a.ID, Role: a.Role, Name: a.Name, CommuneID: a.CommuneID, Channel: ChannelWeb}
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

var accueilEvents = []Event{Accept, Refuse, RequestCorrection, Transfer}
var serviceEvents = []Event{Accept, Refuse, RequestCorrection, ReturnToGuichet}

// HoldsDemand tells whether a service actor holds the demand right now: the
// demand is with its service, under the very assignment its link names.
func (a Actor) HoldsDemand(d *models.Demand) bool {
	return a.Kind == KindService && d.State == Transferred &&
		d.ServiceID != nil && *d.ServiceID == a.ID &&
		d.AssignmentID != nil && *d.AssignmentID == a.AssignmentID
}

// mayFire is the actor's right to fire ev on d, the machine aside.
func (a Actor) mayFire(ev Event, d *models.Demand) bool {
	if a.CommuneID != d.CommuneID {
		return false
	}
	switch a.Kind {
	case KindCitizen:
		return a.DemandID == d.ID && (ev == Submit || ev == Resubmit)
	case KindAgent:
		switch a.Role {
		case models.RoleAccueil, models.RoleSupervisor:
			if ev == Archive {
				return a.Role == models.RoleSupervisor
			}
			return slices.Contains(accueilEvents, ev) && slices.Contains(guichetStates, d.State)
		}
		return false
	case KindService:
		return slices.Contains(serviceEvents, ev) && a.HoldsDemand(d)
	case KindSystem:
		return ev == Archive
	}
	return false
}

// Allowed lists, in a stable order, the events this actor may fire on d now.
func Allowed(d *models.Demand, a Actor) []Event {
	var out []Event
	for _, ev := range EventsFrom(d.State) {
		if a.mayFire(ev, d) {
			out = append(out, ev)
		}
	}
	return out
}
