package models

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Conversation statuses.
const (
	ConvNew      = "new"
	ConvOpen     = "open"
	ConvWaiting  = "waiting" // en attente de l'usager
	ConvResolved = "resolved"
)

// Message channels.
const (
	ChannelWeb     = "web"
	ChannelEmail   = "email"
	ChannelPhone   = "phone"
	ChannelCounter = "counter" // guichet physique
)

// Conversation is an exchange with a citizen (see conversation/).
type Conversation struct {
	bun.BaseModel `bun:"table:conversations,alias:cv"`

	ID             int64  `bun:",pk,autoincrement"`
	CommuneID      int64  `bun:",notnull"`
	Reference      string `bun:",notnull"`
	Subject        string `bun:",notnull"`
	Status         string `bun:",notnull"`
	AssigneeID     *int64
	ServiceID      *int64
	DemandID       *int64
	ProcedureID    *int64
	CitizenEmail   string    `bun:",notnull"`
	CitizenName    string    `bun:",notnull"`
	Channel        string    `bun:",notnull"`
	Version        int       `bun:",notnull"`
	CreatedAt      time.Time `bun:",notnull"`
	UpdatedAt      time.Time `bun:",notnull"`
	ResolvedAt     *time.Time
	LastMessageAt  time.Time `bun:",notnull"`
	CitizenWroteAt *time.Time
	CitizenSeenAt  *time.Time
	MergedInto     *int64
	Follows        *int64
	// Priority: as a demand's, set by routing rules (routing.Priorities).
	Priority int16 `bun:",nullzero,notnull,default:2"`
	// AnonymisedAt: when its identity, texts and files were erased (retention/).
	AnonymisedAt *time.Time
	// The deadline policy in effect and its next due time (deadline/).
	DeadlinePolicyID *int64
	DueAt            *time.Time
}

// Message is one message of a conversation; an internal one is a note.
type Message struct {
	bun.BaseModel `bun:"table:conversation_messages,alias:m"`

	ID             int64  `bun:",pk,autoincrement"`
	CommuneID      int64  `bun:",notnull"`
	ConversationID int64  `bun:",notnull"`
	Internal       bool   `bun:",notnull"`
	AuthorKind     string `bun:",notnull"`
	AuthorID       *int64
	AuthorName     string `bun:",notnull"`
	Channel        string `bun:",notnull"`
	Body           string `bun:",notnull"`
	MailID         string `bun:",notnull"`
	// Folded is what a mail received quoted and signed under its new part
	// (Body): shown folded, kept whole.
	Folded    string    `bun:",notnull"`
	CreatedAt time.Time `bun:",notnull"`

	Files []ConversationFile `bun:"-"`
}

// ConversationFile is a file sent with a message, stored like a demand's.
type ConversationFile struct {
	bun.BaseModel `bun:"table:conversation_files,alias:f"`

	ID             int64     `bun:",pk,autoincrement"`
	CommuneID      int64     `bun:",notnull"`
	ConversationID int64     `bun:",notnull"`
	MessageID      int64     `bun:",notnull"`
	Filename       string    `bun:",notnull"`
	ContentType    string    `bun:",notnull"`
	Size           int64     `bun:",notnull"`
	SHA256         string    `bun:"sha256,notnull"`
	CreatedAt      time.Time `bun:",notnull"`
}

// NewConversationReference is a conversation's public reference (M-2026-7KQ3-M9XD).
func NewConversationReference(now time.Time) string { return "M-" + newReference(now) }

// InsertConversation writes a new conversation, its search words from its
// subject and names.
func InsertConversation(ctx context.Context, db bun.IDB, cv *Conversation) error {
	_, err := db.NewInsert().Model(cv).
		Value("search", "setweight(to_tsvector('fr_unaccent', ?), 'A')", cv.Subject+" "+cv.CitizenName+" "+cv.CitizenEmail+" "+cv.Reference).
		Returning("id").Exec(ctx)
	return err
}

// ConversationByID finds a conversation of a commune.
func ConversationByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Conversation, error) {
	cv := new(Conversation)
	err := db.NewSelect().Model(cv).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return cv, notFound(err)
}

// ConversationByReference finds a commune's conversation, not merged, by its reference.
func ConversationByReference(ctx context.Context, db bun.IDB, communeID int64, ref string) (*Conversation, error) {
	cv := new(Conversation)
	err := db.NewSelect().Model(cv).Where("commune_id = ? AND reference = upper(?) AND merged_into IS NULL", communeID, ref).Scan(ctx)
	return cv, notFound(err)
}

// LockConversation reads a conversation and locks its row until the transaction ends.
func LockConversation(ctx context.Context, tx bun.Tx, communeID, id int64) (*Conversation, error) {
	cv := new(Conversation)
	err := tx.NewSelect().Model(cv).Where("commune_id = ? AND id = ?", communeID, id).For("NO KEY UPDATE").Scan(ctx)
	return cv, notFound(err)
}

// UpdateConversation writes the columns given, the version raised when bump.
func UpdateConversation(ctx context.Context, db bun.IDB, cv *Conversation, bump bool, columns ...string) error {
	if bump {
		cv.Version++
		columns = append(columns, "version")
	}
	_, err := db.NewUpdate().Model(cv).Column(append(columns, "updated_at")...).WherePK().Exec(ctx)
	return err
}

// InsertMessage writes a message and adds its text to the conversation's search words.
func InsertMessage(ctx context.Context, db bun.IDB, m *Message) error {
	if _, err := db.NewInsert().Model(m).Returning("id").Exec(ctx); err != nil {
		return err
	}
	_, err := db.NewRaw("UPDATE conversations SET search = search || setweight(to_tsvector('fr_unaccent', ?), 'B') WHERE commune_id = ? AND id = ?",
		m.Body, m.CommuneID, m.ConversationID).Exec(ctx)
	return err
}

// InsertConversationFile records a message's file; keep then puts its
// content in the store, under the content's lock (see RemoveUnusedFile).
func InsertConversationFile(ctx context.Context, tx bun.IDB, f *ConversationFile, keep func(context.Context, bun.IDB) error) error {
	if err := lockFile(ctx, tx, f.SHA256); err != nil {
		return err
	}
	if _, err := tx.NewInsert().Model(f).Returning("id").Exec(ctx); err != nil {
		return err
	}
	return keep(ctx, tx)
}

// ConversationUsage is what a conversation's files take.
func ConversationUsage(ctx context.Context, db bun.IDB, communeID, conversationID int64) (FileUsage, error) {
	var u FileUsage
	err := db.NewSelect().Model((*ConversationFile)(nil)).ColumnExpr("coalesce(sum(size), 0), count(*)").
		Where("commune_id = ? AND conversation_id = ?", communeID, conversationID).Scan(ctx, &u.Size, &u.Files)
	return u, err
}

// Thread lists a conversation's messages in order, with their files;
// externalOnly keeps what the citizen may read.
func Thread(ctx context.Context, db bun.IDB, communeID, conversationID int64, externalOnly bool) ([]Message, error) {
	var ms []Message
	q := db.NewSelect().Model(&ms).Where("commune_id = ? AND conversation_id = ?", communeID, conversationID).Order("created_at", "id")
	if externalOnly {
		q.Where("NOT internal")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return ms, nil
	}
	ids := make([]int64, len(ms))
	at := map[int64]int{}
	for i, m := range ms {
		ids[i], at[m.ID] = m.ID, i
	}
	var fs []ConversationFile
	if err := db.NewSelect().Model(&fs).Where("commune_id = ? AND message_id IN (?)", communeID, bun.In(ids)).Order("id").Scan(ctx); err != nil {
		return nil, err
	}
	for _, f := range fs {
		ms[at[f.MessageID]].Files = append(ms[at[f.MessageID]].Files, f)
	}
	return ms, nil
}

// ConversationFileByID finds a file of a conversation; externalOnly keeps
// the files of messages the citizen may read.
func ConversationFileByID(ctx context.Context, db bun.IDB, communeID, conversationID, id int64, externalOnly bool) (*ConversationFile, error) {
	f := new(ConversationFile)
	q := db.NewSelect().Model(f).Where("f.commune_id = ? AND f.conversation_id = ? AND f.id = ?", communeID, conversationID, id)
	if externalOnly {
		q.Where("EXISTS (SELECT 1 FROM conversation_messages AS m WHERE m.id = f.message_id AND NOT m.internal)")
	}
	return f, notFound(q.Scan(ctx))
}

// ConversationsOfDemand lists the conversations about a demand, oldest first.
func ConversationsOfDemand(ctx context.Context, db bun.IDB, communeID, demandID int64) ([]Conversation, error) {
	var cs []Conversation
	err := db.NewSelect().Model(&cs).Where("commune_id = ? AND demand_id = ? AND merged_into IS NULL", communeID, demandID).Order("created_at", "id").Scan(ctx)
	return cs, err
}

// MarkReadByAgent records that an agent has read a conversation up to now.
func MarkReadByAgent(ctx context.Context, db bun.IDB, communeID, agentID, conversationID int64, now time.Time) error {
	_, err := db.NewRaw(`INSERT INTO conversation_reads (commune_id, agent_id, conversation_id, seen_at) VALUES (?, ?, ?, ?)
ON CONFLICT (commune_id, agent_id, conversation_id) DO UPDATE SET seen_at = greatest(conversation_reads.seen_at, excluded.seen_at)`, communeID, agentID, conversationID, now).Exec(ctx)
	return err
}

// MarkReadByCitizen records that the citizen has read the thread up to now.
func MarkReadByCitizen(ctx context.Context, db bun.IDB, cv *Conversation, now time.Time) error {
	_, err := db.NewUpdate().Model(cv).Set("citizen_seen_at = ?", now).WherePK().Exec(ctx)
	return err
}

// MoveMessages moves every message, file and history entry of one
// conversation into another (a merge).
func MoveMessages(ctx context.Context, tx bun.IDB, communeID, from, into int64) error {
	for _, table := range []string{"conversation_messages", "conversation_files", "pending_replies", "demand_events"} {
		if _, err := tx.NewRaw(fmt.Sprintf("UPDATE %s SET conversation_id = ? WHERE commune_id = ? AND conversation_id = ?", table), into, communeID, from).Exec(ctx); err != nil {
			return err
		}
	}
	_, err := tx.NewRaw(`UPDATE conversations AS i SET search = i.search || f.search,
    last_message_at = greatest(i.last_message_at, f.last_message_at),
    citizen_wrote_at = greatest(i.citizen_wrote_at, f.citizen_wrote_at)
FROM conversations AS f WHERE i.commune_id = ? AND i.id = ? AND f.commune_id = i.commune_id AND f.id = ?`, communeID, into, from).Exec(ctx)
	return err
}

// ConversationHistory lists a conversation's history entries in order.
func ConversationHistory(ctx context.Context, db bun.IDB, communeID, conversationID int64) ([]Event, error) {
	var evs []Event
	err := db.NewSelect().Model(&evs).Where("commune_id = ? AND conversation_id = ?", communeID, conversationID).Order("at", "id").Scan(ctx)
	return evs, err
}

// AgentSeenAt is when an agent last read a conversation (nil: never).
func AgentSeenAt(ctx context.Context, db bun.IDB, agentID, conversationID int64) (*time.Time, error) {
	var at []time.Time
	err := db.NewRaw("SELECT seen_at FROM conversation_reads WHERE agent_id = ? AND conversation_id = ?", agentID, conversationID).Scan(ctx, &at)
	if err != nil || len(at) == 0 {
		return nil, err
	}
	return &at[0], nil
}

// RecentReaders names the other agents who opened a conversation since then.
func RecentReaders(ctx context.Context, db bun.IDB, communeID, conversationID, exceptAgent int64, since time.Time) ([]string, error) {
	var names []string
	err := db.NewRaw(`SELECT a.name FROM conversation_reads AS r JOIN agents AS a ON a.id = r.agent_id
WHERE r.conversation_id = ? AND a.commune_id = ? AND r.agent_id <> ? AND r.seen_at >= ? ORDER BY a.name`,
		conversationID, communeID, exceptAgent, since).Scan(ctx, &names)
	return names, err
}
