// Package history is the one writer of a demand's history and the registry
// of its kinds of entry: each kind says who may read it and how it is worded
// for the citizen and for agents and services. An entry of an unregistered
// kind is refused, so a kind cannot be written without its visibility.
package history

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"guichet/models"
)

// Kind is a kind of history entry.
type Kind struct {
	Name string
	// Citizen words a public entry for the citizen; nil: the kind is
	// internal, never shown to the citizen.
	Citizen func(e models.Event) string
	// Agent words the entry for agents and services.
	Agent func(e models.Event) string
	// Opening marks an opening of the demand by an agent or a service:
	// listed to supervisors with who opened it (web.Openings), not in the
	// demand's history.
	Opening bool
}

var kinds = map[string]Kind{}

// Register adds a kind; every kind is registered once, with its wording.
func Register(k Kind) {
	if _, dup := kinds[k.Name]; dup || k.Name == "" || k.Agent == nil {
		panic(fmt.Sprintf("history: kind %q registered twice or without wording", k.Name))
	}
	kinds[k.Name] = k
}

// Registered tells whether a kind of that name is registered.
func Registered(name string) bool {
	_, ok := kinds[name]
	return ok
}

// Kinds lists the registered kinds by name.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Visibility is who may read an entry of the kind: models.Public or models.Internal.
func (k Kind) Visibility() string {
	if k.Citizen == nil {
		return models.Internal
	}
	return models.Public
}

// IsOpening tells whether entries of the kind are openings of the demand.
func IsOpening(kind string) bool { return kinds[kind].Opening }

// prepare checks the entry's kind and gives it the kind's visibility.
func prepare(e *models.Event) error {
	k, ok := kinds[e.Kind]
	if !ok {
		return fmt.Errorf("history: unregistered kind %q", e.Kind)
	}
	e.Visibility = k.Visibility()
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	return nil
}

// Record appends an entry to a demand's history and to its commune's hash
// chain (models.AddEvent); its date (At) is required.
func Record(ctx context.Context, db bun.IDB, e *models.Event) error {
	if err := prepare(e); err != nil {
		return err
	}
	return models.AddEvent(ctx, db, e)
}

// RecordOnce appends an entry at now unless one of its kind was recorded by
// the same actor (about the same assignment, details' assignment_id) within
// every; it reports whether it did (see models.AddEventOnce).
func RecordOnce(ctx context.Context, db bun.IDB, e *models.Event, now time.Time, every time.Duration) (bool, error) {
	if err := prepare(e); err != nil {
		return false, err
	}
	return models.AddEventOnce(ctx, db, e, now, every)
}

// Queue adds an entry's insertion to a batch of writes (a transition's).
func Queue(b *models.Batch, db bun.IDB, e *models.Event) error {
	if err := prepare(e); err != nil {
		return err
	}
	return models.QueueEvent(b, db, e)
}

// CitizenTitle words an entry for the citizen; ok is false for an entry the
// citizen may not read.
func CitizenTitle(e models.Event) (title string, ok bool) {
	k, found := kinds[e.Kind]
	if !found || k.Citizen == nil || e.Visibility != models.Public {
		return "", false
	}
	return k.Citizen(e), true
}

// AgentTitle words an entry for agents and services.
func AgentTitle(e models.Event) string {
	if k, ok := kinds[e.Kind]; ok {
		return k.Agent(e)
	}
	return e.Kind
}

// Fixed words every entry of a kind alike.
func Fixed(s string) func(models.Event) string { return func(models.Event) string { return s } }

// KindDemandOpened is an agent opening a demand's page (at most once an hour
// per agent and demand).
const KindDemandOpened = "demand_opened"

// OpeningEvery is how often one person's openings of a demand are recorded.
const OpeningEvery = time.Hour

// The audit of services' links and of openings: internal.
func init() {
	Register(Kind{Name: models.KindLinkOpened, Agent: Fixed("Lien du service ouvert"), Opening: true})
	Register(Kind{Name: KindDemandOpened, Opening: true, Agent: func(e models.Event) string {
		if e.Details["view"] == "print" {
			return "Version imprimable ouverte"
		}
		return "Page de la demande ouverte"
	}})
	Register(Kind{Name: models.KindLinkResent, Agent: Fixed("Nouveau lien envoyé au service")})
	Register(Kind{Name: models.KindReminder, Agent: Fixed("Rappel envoyé au service")})
}
