package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Inbound message statuses: stored (received, not yet read: a parsing
// failure leaves it there, with its error, for a replay), threaded (its
// conversation's message), held (from an address the conversation does not
// know, for an agent to accept), refused (a limit, or nowhere to go),
// auto_reply and bounce (recorded, answering nothing), duplicate (a
// Message-ID already received).
const (
	InboundStored    = "stored"
	InboundThreaded  = "threaded"
	InboundHeld      = "held"
	InboundRefused   = "refused"
	InboundAutoReply = "auto_reply"
	InboundBounce    = "bounce"
	InboundDuplicate = "duplicate"
)

// InboundMessage is a mail received; its raw bytes, gzipped, as received,
// are its rows of inbound_chunks (inbound.OpenRaw).
type InboundMessage struct {
	bun.BaseModel `bun:"table:inbound_messages,alias:im"`

	ID                    int64     `bun:",pk,autoincrement"`
	CommuneID             int64     `bun:",pk"`
	ReceivedAt            time.Time `bun:",notnull"`
	EnvelopeFrom          string    `bun:",notnull"`
	EnvelopeTo            string    `bun:",notnull"`
	MessageID             string    `bun:",notnull"`
	Size                  int64     `bun:",notnull"`
	Status                string    `bun:",notnull"`
	Error                 string    `bun:",notnull"`
	Sender                string    `bun:",notnull"`
	Subject               string    `bun:",notnull"`
	ConversationID        *int64
	ConversationMessageID *int64
	// When and why its texts and raw bytes were erased (retention).
	AnonymisedAt     *time.Time
	AnonymisedReason string `bun:",notnull"`
}

// InsertInbound stores a mail received.
func InsertInbound(ctx context.Context, db bun.IDB, m *InboundMessage) error {
	if m.Status == "" {
		m.Status = InboundStored
	}
	_, err := db.NewInsert().Model(m).Returning("id").Exec(ctx)
	return err
}

// InboundByID finds a commune's mail received.
func InboundByID(ctx context.Context, db bun.IDB, communeID, id int64) (*InboundMessage, error) {
	m := new(InboundMessage)
	err := db.NewSelect().Model(m).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return m, notFound(err)
}

// UpdateInbound writes what became of a mail received.
func UpdateInbound(ctx context.Context, db bun.IDB, m *InboundMessage) error {
	_, err := db.NewUpdate().Model(m).Column("status", "error", "sender", "subject", "message_id", "conversation_id", "conversation_message_id").
		Where("commune_id = ? AND id = ?", m.CommuneID, m.ID).Exec(ctx)
	return err
}

// InboundWithStatus lists a commune's mails received in these statuses, newest first.
func InboundWithStatus(ctx context.Context, db bun.IDB, communeID int64, statuses ...string) ([]InboundMessage, error) {
	var ms []InboundMessage
	err := db.NewSelect().Model(&ms).Where("commune_id = ? AND status IN (?) AND anonymised_at IS NULL", communeID, bun.In(statuses)).
		Order("received_at DESC", "id DESC").Limit(200).Scan(ctx)
	return ms, err
}

// InboundOfMessage is the mail a message of a conversation came in (ErrNotFound: none).
func InboundOfMessage(ctx context.Context, db bun.IDB, communeID, conversationID, messageID int64) (*InboundMessage, error) {
	m := new(InboundMessage)
	err := db.NewSelect().Model(m).Where("im.commune_id = ? AND im.conversation_message_id = ?", communeID, messageID).
		Where("EXISTS (SELECT 1 FROM conversation_messages AS m WHERE m.id = im.conversation_message_id AND m.conversation_id = ?)", conversationID).
		Limit(1).Scan(ctx)
	return m, notFound(err)
}

// MailedMessages are the messages of a conversation that came by mail, a source each.
func MailedMessages(ctx context.Context, db bun.IDB, communeID, conversationID int64) (map[int64]bool, error) {
	var ids []int64
	err := db.NewRaw(`SELECT im.conversation_message_id FROM inbound_messages AS im
JOIN conversation_messages AS m ON m.id = im.conversation_message_id
WHERE im.commune_id = ? AND m.commune_id = ? AND m.conversation_id = ?`, communeID, communeID, conversationID).Scan(ctx, &ids)
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}
