// Package conversation is the support side's exchanges with citizens: a
// conversation per commune, about a demand, a procedure or nothing (the
// general inbox), its messages, external (the citizen's and the commune's)
// or internal (notes, never shown nor sent to the citizen), its status,
// assignee, team and tags. Every change is a history entry
// (history.Record) and every mail goes through the outbox, in the change's
// transaction.
package conversation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Paris without the system's zoneinfo

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/clock"
	"guichet/deadline"
	"guichet/history"
	"guichet/models"
	"guichet/notify"
	"guichet/perm"
	"guichet/workflow"
)

// Manager holds what conversations need.
type Manager struct {
	DB       *bun.DB
	Notifier *notify.Notifier
	Clock    clock.Clock
	// Router runs the commune's routing rules on a conversation opened
	// (routing.Manager); nil: none.
	Router Router
	// ReopenWithin: a citizen writing in a conversation resolved less than
	// this long ago reopens it; later, a new conversation is opened and
	// linked to it.
	ReopenWithin time.Duration
}

// Router runs the routing rules on a conversation in the caller's
// transaction: it sets what rules set and returns the saved reply to
// send, if any, and how many rules acted.
type Router interface {
	RouteConversation(ctx context.Context, tx bun.Tx, cv *models.Conversation, first *models.Message, by workflow.Actor) (*models.SavedReply, int, error)
}

var paris, _ = time.LoadLocation("Europe/Paris")

// DefaultReopenWithin is the reopening delay unless configured.
const DefaultReopenWithin = 30 * 24 * time.Hour

// Statuses and their French labels, in the order pages offer them.
var Statuses = []struct{ Value, Label string }{
	{models.ConvNew, "Nouvelle"},
	{models.ConvOpen, "Ouverte"},
	{models.ConvWaiting, "En attente de l'usager"},
	{models.ConvResolved, "Résolue"},
}

// StatusLabel is a status's French label.
func StatusLabel(s string) string {
	for _, st := range Statuses {
		if st.Value == s {
			return st.Label
		}
	}
	return s
}

// CitizenStatusLabel says a status to the citizen.
func CitizenStatusLabel(s string) string {
	switch s {
	case models.ConvWaiting:
		return "La mairie vous a répondu"
	case models.ConvResolved:
		return "Résolue"
	}
	return "Reçue, en cours de traitement par la mairie"
}

// Channels and their French labels.
var Channels = []struct{ Value, Label string }{
	{models.ChannelWeb, "Web"},
	{models.ChannelEmail, "E-mail"},
	{models.ChannelPhone, "Téléphone"},
	{models.ChannelCounter, "Guichet physique"},
}

// ChannelLabel is a channel's French label.
func ChannelLabel(s string) string {
	for _, ch := range Channels {
		if ch.Value == s {
			return ch.Label
		}
	}
	return s
}

func validChannel(s string) bool { return ChannelLabel(s) != s }

// History kinds of conversations.
const (
	KindOpened   = "conversation_opened"
	KindMessage  = "conversation_message" // an external message
	KindNote     = "conversation_note"    // an internal one
	KindStatus   = "conversation_status"
	KindAssigned = "conversation_assigned"
	KindTeam     = "conversation_team"
	KindTagged   = "conversation_tagged"
	KindUntagged = "conversation_untagged"
	KindMerged   = "conversation_merged"
	KindReopened = "conversation_reopened"
	KindFollowed = "conversation_followed" // opened anew after a resolved one too old to reopen
)

func detail(key string) func(models.Event) string {
	return func(e models.Event) string { s, _ := e.Details[key].(string); return s }
}

func init() {
	history.Register(history.Kind{Name: KindOpened, Citizen: history.Fixed("Conversation ouverte"), Agent: history.Fixed("Conversation ouverte")})
	history.Register(history.Kind{Name: KindMessage, Citizen: history.Fixed("Message"), Agent: func(e models.Event) string {
		if e.ActorKind == workflow.KindCitizen {
			return "Message de l'usager"
		}
		return "Message à l'usager"
	}})
	history.Register(history.Kind{Name: KindNote, Agent: history.Fixed("Note interne")})
	history.Register(history.Kind{Name: KindStatus, Agent: func(e models.Event) string { return "Statut : " + StatusLabel(e.ToState) }})
	history.Register(history.Kind{Name: KindAssigned, Agent: func(e models.Event) string {
		if n := detail("agent")(e); n != "" {
			return "Attribuée à " + n
		}
		return "Attribution retirée"
	}})
	history.Register(history.Kind{Name: KindTeam, Agent: func(e models.Event) string { return "Équipe : " + detail("team")(e) }})
	history.Register(history.Kind{Name: KindTagged, Agent: func(e models.Event) string { return "Étiquette ajoutée : " + detail("tag")(e) }})
	history.Register(history.Kind{Name: KindUntagged, Agent: func(e models.Event) string { return "Étiquette retirée : " + detail("tag")(e) }})
	history.Register(history.Kind{Name: KindMerged, Agent: func(e models.Event) string { return "Fusion ici de la conversation " + detail("from")(e) }})
	history.Register(history.Kind{Name: KindReopened, Agent: history.Fixed("Rouverte par un message de l'usager")})
	history.Register(history.Kind{Name: KindForwarded, Agent: func(e models.Event) string { return "Message transmis à " + detail("to")(e) }})
	history.Register(history.Kind{Name: KindFollowed, Agent: func(e models.Event) string {
		return "Ouverte à la suite de la conversation " + detail("follows")(e) + ", résolue depuis trop longtemps pour être rouverte"
	}})
}

// record writes a history entry of a conversation.
func (m *Manager) record(ctx context.Context, tx bun.IDB, cv *models.Conversation, actor workflow.Actor, kind string, details map[string]any) error {
	ev := &models.Event{CommuneID: cv.CommuneID, ConversationID: cv.ID, At: m.Clock.Now(), Kind: kind,
		ActorKind: actor.Kind, ActorName: actor.Name, Channel: actor.Channel, Details: details}
	if actor.ID != 0 {
		ev.ActorID = &actor.ID
	}
	if kind == KindStatus || kind == KindReopened {
		ev.ToState = cv.Status
	}
	return history.Record(ctx, tx, ev)
}

// clocks brings the conversation's deadline clocks to its status: paused
// while it waits for the citizen, the first answer met by the commune's
// first message to them (answered), every clock stopped once resolved.
func (m *Manager) clocks(ctx context.Context, tx bun.Tx, cv *models.Conversation, answered bool) error {
	st := deadline.State{Waiting: cv.Status == models.ConvWaiting, Answered: answered, Settled: cv.Status == models.ConvResolved}
	return deadline.Observe(ctx, tx, deadline.OfConversation(cv), st, m.Clock.Now())
}

// Scope is what an agent may see of the inbox: a supervisor every team's
// conversations, another agent the accueil's and those assigned to them.
func Scope(a *models.Agent) models.InboxFilter { return scopeOf(workflow.AgentActor(a)) }

func scopeOf(actor workflow.Actor) models.InboxFilter {
	return models.InboxFilter{AgentID: actor.ID, AllTeams: actor.Perms.Has(perm.Supervise)}
}

// ForAgent finds a conversation an agent may read: another commune's, or
// one outside their scope, is not found.
func ForAgent(ctx context.Context, db bun.IDB, a *models.Agent, id int64) (*models.Conversation, error) {
	cv, err := models.ConversationByID(ctx, db, a.CommuneID, id)
	if err == nil && !Scope(a).MayRead(cv) {
		err = models.ErrNotFound
	}
	return cv, err
}

// lockFor locks a conversation the actor may act on.
func lockFor(ctx context.Context, tx bun.Tx, actor workflow.Actor, id int64) (*models.Conversation, error) {
	cv, err := models.LockConversation(ctx, tx, actor.CommuneID, id)
	if err == models.ErrNotFound {
		return nil, apperr.New(apperr.NotFound, "Cette conversation n'existe pas.")
	}
	if err != nil {
		return nil, err
	}
	if cv.MergedInto != nil {
		return nil, apperr.New(apperr.Conflict, "Cette conversation a été fusionnée dans une autre : ouvrez celle-ci pour continuer.")
	}
	if actor.Kind == workflow.KindAgent {
		if !scopeOf(actor).MayRead(cv) {
			return nil, apperr.New(apperr.NotFound, "Cette conversation n'existe pas.")
		}
	}
	return cv, nil
}

// stale is the refusal of a change made on a page older than the conversation.
func stale(cv *models.Conversation, version int) error {
	if version != cv.Version {
		return apperr.New(apperr.Conflict, "Cette conversation a été modifiée entre-temps par quelqu'un d'autre. Rechargez la page pour voir son état actuel, puis recommencez.")
	}
	return nil
}

// newMailID is a message's Message-ID (<message.CONVERSATION.random@host>),
// stored with it: the same across the mail's retries.
func newMailID(host string, conversationID int64) string {
	b := make([]byte, 8)
	rand.Read(b)
	return fmt.Sprintf("message.%d.%s@%s", conversationID, hex.EncodeToString(b), host)
}
