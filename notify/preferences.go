package notify

import (
	"context"
	"errors"

	"github.com/uptrace/bun"

	"guichet/models"
	"guichet/perm"
	"guichet/workflow"
)

// Frequency is how an agent wants to be told of a kind of event.
type Frequency string

// The frequencies.
const (
	Immediate Frequency = "immediate" // one e-mail per event, as it happens
	Daily     Frequency = "daily"     // listed in the daily digest
	Weekly    Frequency = "weekly"    // listed in the weekly digest
	Never     Frequency = "never"
)

// FrequencyChoice is a frequency as the preferences form offers it.
type FrequencyChoice struct {
	Frequency Frequency
	Label     string
}

// Frequencies are the choices, in the form's order.
var Frequencies = []FrequencyChoice{
	{Immediate, "Tout de suite, un e-mail par événement"},
	{Daily, "Dans le résumé quotidien"},
	{Weekly, "Dans le résumé hebdomadaire"},
	{Never, "Jamais"},
}

// Kind is a kind of event agents are told of, each at the frequency they
// chose for it. Register a new one with RegisterKind, in an init next to
// the code that tells it (Tell or a transition's mail).
type Kind struct {
	Name    string // stored in notification_preferences.kind; never renamed
	Label   string // the preferences form's question
	Heading string // the digest's section listing events of this kind
	Default Frequency
	// Event is the transition that tells the accueil of this kind (its
	// move's Mails name RoleAccueil); empty for an event that is no transition.
	Event workflow.Event
}

// The kinds of this issue; the issues after it add theirs.
const (
	KindNewDemand   = "new_demand"
	KindReturned    = "returned"
	KindResubmitted = "resubmitted"
)

var kinds []Kind

// RegisterKind adds a kind of event; a name registered twice is a
// programming error.
func RegisterKind(k Kind) {
	if _, ok := KindNamed(k.Name); ok || k.Name == "" || k.Label == "" || k.Heading == "" || k.Default == "" {
		panic("notify: bad or duplicate kind " + k.Name)
	}
	kinds = append(kinds, k)
}

// Kinds lists the registered kinds, in registration order.
func Kinds() []Kind { return kinds }

// KindNamed finds a registered kind.
func KindNamed(name string) (Kind, bool) {
	for _, k := range kinds {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

func kindOfEvent(ev workflow.Event) (Kind, bool) {
	for _, k := range kinds {
		if k.Event == ev && ev != "" {
			return k, true
		}
	}
	return Kind{}, false
}

func init() {
	// Nobody was e-mailed of a new demand before preferences: it stays so
	// until an agent asks. The other two were e-mailed at once.
	RegisterKind(Kind{Name: KindNewDemand, Event: workflow.Submit, Default: Never,
		Label: "Une nouvelle demande arrive à l'accueil", Heading: "Nouvelles demandes"})
	RegisterKind(Kind{Name: KindReturned, Event: workflow.ReturnToGuichet, Default: Immediate,
		Label: "Un service renvoie une demande à l'accueil", Heading: "Demandes renvoyées à l'accueil par un service"})
	RegisterKind(Kind{Name: KindResubmitted, Event: workflow.Resubmit, Default: Immediate,
		Label: "L'usager renvoie la demande corrigée que l'accueil lui avait demandé de corriger", Heading: "Demandes corrigées par l'usager"})
}

// When digests go by default, in Europe/Paris: 8 h, the weekly one on Monday.
const (
	DefaultDigestHour = 8
	DefaultDigestDay  = 1
)

// Weekdays are the days a weekly digest may go, ISO-numbered from 1.
var Weekdays = []string{"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}

// Preferences are an agent's choices: a frequency per kind, and when their
// digests go.
type Preferences struct {
	Frequency  map[string]Frequency // by kind name, every registered kind
	DailyHour  int                  // 0–23
	WeeklyDay  int                  // 1 Monday … 7 Sunday
	WeeklyHour int                  // 0–23
}

// Silent tells whether the agent turned every kind off.
func (p Preferences) Silent() bool {
	for _, k := range kinds {
		if p.Frequency[k.Name] != Never {
			return false
		}
	}
	return true
}

// defaultFrequency is how agent a is told of k when they chose nothing: a
// supervisor follows the queue in the lists, and is e-mailed only on request.
func defaultFrequency(a *models.Agent, k Kind) Frequency {
	if a.Has(perm.Supervise) {
		return Never
	}
	return k.Default
}

func frequencies(a *models.Agent, rows []models.NotificationPreference) map[string]Frequency {
	f := map[string]Frequency{}
	for _, k := range kinds {
		f[k.Name] = defaultFrequency(a, k)
	}
	for _, r := range rows {
		if _, ok := f[r.Kind]; ok {
			f[r.Kind] = Frequency(r.Frequency)
		}
	}
	return f
}

// PreferencesOf is an agent's preferences, defaults where they chose nothing.
func PreferencesOf(ctx context.Context, db bun.IDB, a *models.Agent) (Preferences, error) {
	rows, err := models.NotificationPreferences(ctx, db, a.CommuneID, a.ID)
	if err != nil {
		return Preferences{}, err
	}
	p := Preferences{Frequency: frequencies(a, rows), DailyHour: DefaultDigestHour, WeeklyDay: DefaultDigestDay, WeeklyHour: DefaultDigestHour}
	s, err := models.DigestScheduleOf(ctx, db, a.CommuneID, a.ID)
	switch {
	case err == nil:
		p.DailyHour, p.WeeklyDay, p.WeeklyHour = s.DailyHour, s.WeeklyDay, s.WeeklyHour
	case !errors.Is(err, models.ErrNotFound):
		return p, err
	}
	return p, nil
}

// SavePreferences stores an agent's preferences (checked by the caller).
func SavePreferences(ctx context.Context, db bun.IDB, communeID, agentID int64, p Preferences) error {
	var rows []models.NotificationPreference
	for _, k := range kinds {
		rows = append(rows, models.NotificationPreference{CommuneID: communeID, AgentID: agentID, Kind: k.Name, Frequency: string(p.Frequency[k.Name])})
	}
	return models.SaveNotificationSettings(ctx, db, &models.DigestSchedule{CommuneID: communeID, AgentID: agentID,
		DailyHour: p.DailyHour, WeeklyDay: p.WeeklyDay, WeeklyHour: p.WeeklyHour}, rows)
}

// SilentAgents tells which of a commune's agents turned every kind off.
func SilentAgents(ctx context.Context, db bun.IDB, communeID int64, agents []models.Agent) (map[int64]bool, error) {
	rows, err := models.NotificationPreferences(ctx, db, communeID, 0)
	if err != nil {
		return nil, err
	}
	byAgent := map[int64][]models.NotificationPreference{}
	for _, r := range rows {
		byAgent[r.AgentID] = append(byAgent[r.AgentID], r)
	}
	silent := map[int64]bool{}
	for i := range agents {
		a := &agents[i]
		if (Preferences{Frequency: frequencies(a, byAgent[a.ID])}).Silent() {
			silent[a.ID] = true
		}
	}
	return silent, nil
}
