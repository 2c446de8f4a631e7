package views

import "time"

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
	New         bool // unread by whoever reads the page
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
}

// DemandThread is the citizen's exchange about a demand on its follow page.
type DemandThread struct {
	Thread   []ThreadMessage
	Composer MessageComposer
	Message  string
}
