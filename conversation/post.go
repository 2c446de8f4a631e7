package conversation

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/files"
	"guichet/models"
	"guichet/perm"
	"guichet/validate"
	"guichet/workflow"
)

// How many conversations a citizen may open from the portal in an hour, per
// address and per client (each e-mails a link), and how many messages a
// conversation takes from the citizen in an hour (each e-mails agents).
const (
	OpenPerAddress         = 5
	OpenPerClient          = 20
	CitizenMessagesPerHour = 20
)

// MaxBody bounds a message's text.
const MaxBody = 10000

// Upload is a file received for a message (see web's file receiving):
// its row, without ids, and Keep, which puts it in the store.
type Upload struct {
	File models.ConversationFile
	Keep files.KeepFunc
}

// MessageInput is a message to add to a conversation.
type MessageInput struct {
	Body string `form:"message" label:"le message" validate:"required,max=10000"`
	// Internal: a note, never shown nor sent to the citizen (agents and services only).
	Internal bool
	// Channel: how the message came (web by default); an agent logs a call
	// (phone) or a visit (counter) as a message.
	Channel string
	Files   []Upload
	// MailID and Folded, for a mail received: its Message-ID (the message
	// is the mail's, once) and its quoted history and signature.
	MailID string
	Folded string
}

func (in *MessageInput) check(actor workflow.Actor) error {
	in.Body = strings.TrimSpace(in.Body)
	if errs := validate.Struct(in); errs != nil {
		return apperr.Fields(errs)
	}
	if in.Channel == "" {
		in.Channel = models.ChannelWeb
	}
	if !validChannel(in.Channel) {
		return apperr.Field("canal", "Choisissez un canal de la liste.")
	}
	// A mail received (inbound/) is an e-mail message, the citizen's or,
	// from an outside interlocutor, a note; a citizen otherwise writes on the web.
	byMail := actor.Channel == workflow.ChannelEmail
	citizenChannel := models.ChannelWeb
	if byMail {
		citizenChannel = models.ChannelEmail
	}
	if (actor.Kind == workflow.KindCitizen && (in.Internal || in.Channel != citizenChannel)) || (byMail && in.Channel != models.ChannelEmail) {
		return apperr.New(apperr.Forbidden, "Un usager écrit des messages par le web seulement.")
	}
	if in.Internal && in.Channel != models.ChannelWeb && !byMail {
		return apperr.Field("canal", "Une note interne ne vient d'aucun canal : choisissez « Web », ou enregistrez l'appel comme message.")
	}
	return nil
}

// Post adds a message to a conversation. Two people writing at once both
// get their message kept, in the order they reached the conversation. A
// citizen writing in a conversation resolved less than ReopenWithin ago
// reopens it; later, a new conversation is opened, linked to the old one,
// and returned. The reply of an agent who replies only through validation
// is held instead (see SendHeld): Post then returns no message.
func (m *Manager) Post(ctx context.Context, cm *models.Commune, actor workflow.Actor, conversationID int64, in MessageInput) (*models.Conversation, *models.Message, error) {
	if err := in.check(actor); err != nil {
		return nil, nil, err
	}
	if actor.Kind == workflow.KindCitizen {
		over, err := models.CountEvent(ctx, m.DB, m.Clock.Now(), models.RateLimit{Key: "message:conversation:" + itoa(conversationID), Max: CitizenMessagesPerHour, Per: time.Hour})
		if err != nil {
			return nil, nil, err
		}
		if over != nil {
			e := apperr.Field("message", "Trop de messages ont été envoyés dans cette conversation au cours de la dernière heure. Réessayez dans une heure, ou appelez la mairie.")
			e.Code = apperr.TooMany
			return nil, nil, e
		}
	}
	var cv *models.Conversation
	var msg *models.Message
	err := m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if cv, err = lockFor(ctx, tx, actor, conversationID); err != nil {
			return err
		}
		if actor.Kind == workflow.KindCitizen && cv.Status == models.ConvResolved && cv.ResolvedAt != nil && !m.Clock.Now().Before(cv.ResolvedAt.Add(m.reopenWithin())) {
			if cv, err = m.follow(ctx, tx, actor, cv); err != nil {
				return err
			}
		}
		if holds(actor, in) {
			return m.hold(ctx, tx, cv, actor, in)
		}
		msg, err = m.post(ctx, tx, cm, cv, actor, in, false)
		return err
	})
	return cv, msg, err
}

func (m *Manager) reopenWithin() time.Duration {
	if m.ReopenWithin > 0 {
		return m.ReopenWithin
	}
	return DefaultReopenWithin
}

// follow opens a conversation following a resolved one too old to reopen.
func (m *Manager) follow(ctx context.Context, tx bun.Tx, actor workflow.Actor, old *models.Conversation) (*models.Conversation, error) {
	now := m.Clock.Now()
	cv := &models.Conversation{CommuneID: old.CommuneID, Reference: models.NewConversationReference(now), Subject: old.Subject,
		Status: models.ConvNew, ServiceID: old.ServiceID, DemandID: old.DemandID, ProcedureID: old.ProcedureID,
		CitizenEmail: old.CitizenEmail, CitizenName: old.CitizenName, Channel: models.ChannelWeb, Version: 1,
		CreatedAt: now, UpdatedAt: now, LastMessageAt: now, Follows: &old.ID}
	if err := models.InsertConversation(ctx, tx, cv); err != nil {
		return nil, err
	}
	if err := m.record(ctx, tx, cv, actor, KindOpened, map[string]any{}); err != nil {
		return nil, err
	}
	return cv, m.record(ctx, tx, cv, actor, KindFollowed, map[string]any{"follows": old.Reference})
}

// post writes a message in a locked conversation: the message and its
// files, the conversation's status and dates, the history entry, the mails.
func (m *Manager) post(ctx context.Context, tx bun.Tx, cm *models.Commune, cv *models.Conversation, actor workflow.Actor, in MessageInput, opening bool) (*models.Message, error) {
	now := m.Clock.Now()
	msg := &models.Message{CommuneID: cv.CommuneID, ConversationID: cv.ID, Internal: in.Internal, AuthorKind: actor.Kind,
		AuthorName: actor.Name, Channel: in.Channel, Body: in.Body, MailID: in.MailID, Folded: in.Folded, CreatedAt: now}
	if msg.MailID == "" {
		msg.MailID = newMailID(m.Notifier.Host(), cv.ID)
	}
	if actor.ID != 0 {
		msg.AuthorID = &actor.ID
	}
	if err := models.InsertMessage(ctx, tx, msg); err != nil {
		return nil, err
	}
	for _, up := range in.Files {
		f := up.File
		f.CommuneID, f.ConversationID, f.MessageID, f.CreatedAt = cv.CommuneID, cv.ID, msg.ID, now
		if err := models.InsertConversationFile(ctx, tx, &f, up.Keep); err != nil {
			return nil, err
		}
		msg.Files = append(msg.Files, f)
	}
	cv.UpdatedAt, cv.LastMessageAt = now, now
	cols := []string{"last_message_at"}
	bump := false
	old := cv.Status
	switch {
	case in.Internal:
	case actor.Kind == workflow.KindCitizen:
		cv.CitizenWroteAt = &now
		cols = append(cols, "citizen_wrote_at")
		if cv.Status != models.ConvNew {
			cv.Status = models.ConvOpen
		}
	default: // the commune answered: the ball is in the citizen's court
		cv.Status = models.ConvWaiting
	}
	if cv.Status != old {
		bump = true
		cols = append(cols, "status")
		if old == models.ConvResolved {
			cv.ResolvedAt = nil
			cols = append(cols, "resolved_at")
		}
	}
	if err := models.UpdateConversation(ctx, tx, cv, bump, cols...); err != nil {
		return nil, err
	}
	if err := m.clocks(ctx, tx, cv, !in.Internal && actor.Kind != workflow.KindCitizen); err != nil {
		return nil, err
	}
	kind := KindMessage
	if in.Internal {
		kind = KindNote
	}
	if err := m.record(ctx, tx, cv, actor, kind, map[string]any{"message_id": msg.ID, "channel": in.Channel}); err != nil {
		return nil, err
	}
	if old == models.ConvResolved && cv.Status != old {
		if err := m.record(ctx, tx, cv, actor, KindReopened, map[string]any{}); err != nil {
			return nil, err
		}
	}
	return msg, m.mail(ctx, tx, cm, cv, msg, opening)
}

// mail sends what a message calls for: the citizen receives the commune's
// external messages written for them (a call or a visit logged is not
// mailed, the citizen was there), and a conversation's first message with
// its link; agents are told of the citizen's messages. A note is never mailed.
func (m *Manager) mail(ctx context.Context, tx bun.Tx, cm *models.Commune, cv *models.Conversation, msg *models.Message, opening bool) error {
	if msg.Internal {
		return nil
	}
	if opening {
		if _, err := m.Notifier.ConversationOpened(ctx, tx, cm, cv, msg); err != nil {
			return err
		}
	} else if msg.AuthorKind != workflow.KindCitizen && (msg.Channel == models.ChannelWeb || msg.Channel == models.ChannelEmail) {
		if err := m.Notifier.MessageToCitizen(ctx, tx, cm, cv, msg); err != nil {
			return err
		}
	}
	if msg.AuthorKind != workflow.KindCitizen {
		return nil
	}
	to, err := m.alertees(ctx, tx, cv)
	if err != nil {
		return err
	}
	return m.Notifier.CitizenWrote(ctx, tx, cm, cv, msg, to)
}

// alertees are the agents told of a citizen's message: the assignee, or,
// when none, the agents who reply to citizens (a supervisor follows the
// inbox instead).
func (m *Manager) alertees(ctx context.Context, tx bun.Tx, cv *models.Conversation) ([]models.Agent, error) {
	var as []models.Agent
	q := tx.NewSelect().Model(&as).Relation("Profile").Where("agent.commune_id = ? AND agent.active", cv.CommuneID).Order("agent.id")
	if cv.AssigneeID != nil {
		q.Where("agent.id = ?", *cv.AssigneeID)
	} else {
		q.Where("(? = ANY(profile.permissions) OR ? = ANY(profile.permissions)) AND NOT ? = ANY(profile.permissions)", string(perm.Reply), string(perm.ReplyValidated), string(perm.Supervise))
	}
	return as, q.Scan(ctx)
}
