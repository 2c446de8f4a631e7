package views

import (
	"time"

	"guichet/deadline"
)

// The Data of the conversations' pages, the citizen's and the agents'.

// ThreadMessage is one message of a thread as a page shows it. A citizen's
// page is given external messages only.
type ThreadMessage struct {
	ID          int64
	Internal    bool
	FromCitizen bool
	Author      string // "Vous", "La mairie", an agent's or service's name
	Channel     string // "Téléphone"…; empty for the web
	At          time.Time
	Body        string
	Folded      string // a mail's quoted history and signature, shown folded
	SourceURL   string // a mail received: its source, for the agents
	New         bool   // unread by whoever reads the page
	Files       []FileItem
}

// MessageComposer is a form that writes in a conversation.
type MessageComposer struct {
	Action      string
	Accepted    string // "PDF, JPEG…"
	Extensions  string
	MaxFileSize string
}

// CitizenConversation is the Data of "citizen/conversation".
type CitizenConversation struct {
	Reference, Subject, StatusLabel string
	Resolved                        bool
	Thread                          []ThreadMessage
	Composer                        MessageComposer
	Message                         string // what the citizen typed, kept on a refusal
}

// ContactPage is the Data of "citizen/contact".
type ContactPage struct {
	Procedures []Option
	Composer   MessageComposer
	// Full: the whole form; else the first step, "Décrivez votre question".
	Full        bool
	Suggestions Suggestions
	ArticleID   string // the article read before writing, counted as "opened"
}

// DemandThread is the citizen's exchange about a demand on its follow page.
type DemandThread struct {
	Thread   []ThreadMessage
	Composer MessageComposer
	Message  string
}

// InboxPage is the Data of "agent/inbox": the "Messages" inbox.
type InboxPage struct {
	Views  []InboxView
	Rows   []InboxRow
	Query  InboxQuery
	Tags   []Option
	Teams  []Option
	Procs  []Option
	Chans  []Option
	Pages  PageLinks
	Path   string // the current view's address, without filters
	NewURL string
	// Capped: the filters match more than CountCap conversations, which
	// the views then don't count.
	Capped   bool
	CountCap int
	// SortURL and DueSortURL: the inbox by newest activity and by due time.
	SortURL, DueSortURL string
}

// InboxView is one of the inbox's views, with its count.
type InboxView struct {
	Label   string
	URL     string
	Count   int
	Counted bool // false when the filters match too many to count
	Current bool
}

// InboxQuery is the inbox's filters as typed.
type InboxQuery struct {
	View, Q, Tag, Team, Procedure, Channel, From, To string
	Sort                                             string // "echeance": the next due first; "": the newest activity
}

// InboxRow is one conversation of the inbox.
type InboxRow struct {
	URL, Reference, Subject, Status, StatusLabel, Citizen, Assignee, Team string
	LastMessageAt                                                         time.Time
	Due                                                                   deadline.Due
	Unread                                                                bool
}

// AgentConversation is the Data of "agent/conversation".
type AgentConversation struct {
	ID       int64
	Priority string // French, as routing names it
	// Escalation is the "Niveau 2" part.
	Escalation *EscalationPanel
	// Undelivered: a mail to the citizen came back (a bounce).
	Undelivered                          bool
	Base                                 string // the page's address, base of its forms
	Reference, Subject, Status           string
	StatusLabel, Citizen, CitizenEmail   string
	Channel, Team, Assignee              string
	About                                string // what it is about: a demand's reference, a procedure, or the general inbox
	AboutURL                             string
	Follows, FollowsURL                  string
	Version                              int
	AssignedToMe, Merged                 bool
	Thread                               []ThreadMessage
	History                              []HistoryItem
	Tags                                 []string
	Composer                             MessageComposer
	Statuses, Agents, Teams, ChannelOpts []Option
	TeamValue, AssigneeValue             string
	// What was typed in the composer and in which mode ("reponse" or
	// "note"), kept on a refusal.
	Typed, Mode, ChannelValue string
	// Others names the other agents who have the conversation open (read
	// in the last minutes): they may be writing too.
	Others []string
	// The citizen's messages, which may be forwarded to an outside address.
	CitizenMessages []Option
	// The saved replies for the conversation's team, and the one inserted.
	SavedReplies []Option
	SavedReply   string
	// The public articles whose link the reply composer inserts, those
	// the agent searched for (ArticleQuery) or the procedure's first.
	Articles     []ArticleLink
	ArticleQuery string
	// RepliesHeld: the agent's replies wait for validation.
	RepliesHeld bool
	// Pending are the replies held for validation, with their forms.
	Pending []PendingReply
}

// PendingReply is a reply held for validation on the conversation's page.
type PendingReply struct {
	ID                   int64
	Author, Body         string
	At                   time.Time
	Version              int
	Returned             bool // returned to its author, with Comment
	Comment, ReturnedBy  string
	Typed, TypedComment  string // the forms' text (kept on a refusal)
	MayValidate          bool   // the agent may send or return it
	MayRevise            bool   // the agent wrote it
	MessageID, CommentID string // the fields' ids (and error keys)
}

// SavedRepliesPage is the Data of "agent/saved_replies".
type SavedRepliesPage struct {
	Replies   []SavedReplyRow
	Teams     []Option
	Variables []Option // name, meaning
}

// SavedReplyRow is one saved reply with its use.
type SavedReplyRow struct {
	Title, Body, Team string
	Uses              int
}

// ConversationStart is the Data of "agent/conversation_new": a conversation
// opened by an agent on behalf of a citizen or a third party.
type ConversationStart struct {
	DemandID string
	Demand   string // the demand's reference when opened from its page
	Procs    []Option
	Chans    []Option
	Composer MessageComposer
}

// TagAdmin is the Data of "admin/tags".
type TagAdmin struct {
	Tags []TagRow
}

// TagRow is one tag on the admin's page.
type TagRow struct {
	ID                     int64
	Name                   string
	Conversations, Demands int
	Others                 []Option // the tags it may be merged into
}

// InboundRow is a mail received that a supervisor may act on.
type InboundRow struct {
	ID                              int64
	At                              time.Time
	Sender, Subject, Status, Reason string
	ConversationURL                 string
	Acceptable, Replayable          bool
}

// ArticleLink is an article the composer offers, with the line it inserts.
type ArticleLink struct {
	Value, Label, Line string
}
