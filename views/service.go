package views

import "time"

// DataRow is one answer of a demand's form.
type DataRow struct {
	Label string
	Value string
}

// FileRow is one file attached to a demand.
type FileRow struct {
	Name  string
	Field string // label of the form question it answers, if any
	Size  int64
	At    time.Time
	Type  string // "PDF", "JPEG"…
	By    string // who added it: "l'usager", "l'accueil", "un service"
	URL   string // download
	// Preview shows it in the browser (images, PDF); empty for other types.
	Preview string
}

// HistoryItem is one line of a demand's history, ready to show.
type HistoryItem struct {
	At       time.Time
	Title    string
	Actor    string
	Message  string
	Lines    []string // details: fields to correct, changed fields…
	Internal bool     // not shown to the citizen
}

// ServiceDemandData is the Data of "service/show" and "service/print": a
// demand as the service holding its link sees it.
type ServiceDemandData struct {
	Path           string // the link's page; actions are Path + "/" + slug
	Reference      string
	ProcedureTitle string
	State          string
	ServiceName    string
	CitizenName    string
	CitizenEmail   string
	SubmittedAt    *time.Time
	AssignedAt     time.Time
	WaitingDays    int
	LinkExpires    time.Time
	Version        int
	Notice         string // where the demand stands when the service cannot act
	Fields         []DataRow
	Files          []FileRow
	AccueilNotes   []HistoryItem
	History        []HistoryItem
	Actions        []string // action slugs the service may take now, in order
	FieldOptions   []Option // the form's questions, for a correction request
	Open           string   // the action whose form is shown open
	// Thread is the demand's exchanges with the citizen, notes included;
	// Composer the form that writes to the citizen.
	Thread   []ThreadMessage
	Composer MessageComposer
	FileHint string // what a file added for the accueil may be
}

// Can tells whether the action slug is offered.
func (d ServiceDemandData) Can(slug string) bool {
	for _, a := range d.Actions {
		if a == slug {
			return true
		}
	}
	return false
}

// ServiceConfirmData is the Data of "service/confirm": the last step before
// an action through a service link.
type ServiceConfirmData struct {
	Path        string
	Action      string // slug
	Title       string
	Consequence string
	Message     string
	MessageName string // what Message is: Motif, Message…
	Fields      []string
	Person      string
	Hidden      []HiddenField // the form's values, carried to the final POST
}

// HiddenField is a hidden form input.
type HiddenField struct{ Name, Value string }

// ServiceStatusData is the Data of "service/status": a service link that no
// longer grants action, saying where the demand stands now.
type ServiceStatusData struct {
	Reference      string
	ProcedureTitle string
	State          string
	Headline       string
	Explanation    []string
	Kept           []DataRow // what the person typed, not saved, so that nothing is lost
}

// LinkProblemData is the Data of "service/link_problem": an invalid, expired
// or revoked link, with a way to get a new one when there is one.
type LinkProblemData struct {
	Title      string
	Message    string
	ResendPath string // POST here to send a new link to the service's own address
	ServiceTo  string // that address
}

// BoardRow is one demand on a service's board.
type BoardRow struct {
	Href           string
	Reference      string
	ProcedureTitle string
	Citizen        string
	Since          time.Time
	WaitingDays    int
}

// ServiceBoardData is the Data of "service/board".
type ServiceBoardData struct {
	ServiceName string
	Expires     time.Time
	Total       Count // every demand the service holds
	PageSize    int
	Sections    []BoardSection
}

// BoardSection is one list of the board, paged on its own.
type BoardSection struct {
	ID      string // the heading's id, where its paging links lead
	Title   string
	Caption string // the table's, for screen readers
	Empty   string // said when the list is empty
	Count   Count
	Rows    []BoardRow
	Pages   PageLinks
}
