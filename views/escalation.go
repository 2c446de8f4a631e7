package views

import "time"

// EscalationPanel is the "Niveau 2" part of a conversation's or a
// demand's page (partial "escalation"): the open escalation, the past
// ones, and for a referent the form to escalate.
type EscalationPanel struct {
	Base     string // POST here to escalate; Base/ID/retirer to revoke
	Referent bool   // the agent may escalate and revoke (perm.Escalate)
	Current  *EscalationItem
	Past     []EscalationItem
	Level2   []Option          // the commune's services, then an outside team
	Values   map[string]string // what the referent typed, when refused
	Errors   map[string]string
}

// EscalationItem is one escalation as the page shows it.
type EscalationItem struct {
	ID                     int64
	Label, Email, Referent string
	Problem, Note          string
	Status                 string // French
	At                     time.Time
	EndedAt                *time.Time
}

// Level2Page is the Data of "service/escalation": what level 2 reads
// through its link, and its two forms.
type Level2Page struct {
	Base      string // the link's path: Base/repondre, Base/renvoyer
	Level2    string
	Referent  string
	Problem   string
	Reference string
	Subject   string
	Citizen   string
	Thread    []ThreadMessage // the external messages, no note
	Demand    []DataRow       // a demand's answers
	Expires   time.Time
	Held      bool // the answer will wait for the commune's validation
}
