package views

import "time"

// The Data of the citizen's pages (views/pages/citizen/).

// CitizenHome is the Data of "citizen/home": the commune's procedures,
// possibly filtered by a search.
type CitizenHome struct {
	Query      string
	Procedures []ProcedureCard
}

// ProcedureCard is one procedure in a list.
type ProcedureCard struct {
	Slug, Title, Description string
}

// ProcedureStart is the Data of "citizen/procedure": what the procedure is,
// what to have at hand, and the form that starts a draft.
type ProcedureStart struct {
	Slug, Title, Description string
	Documents                []string
	Asked                    []string      // labels of the questions of the form
	Articles                 []ArticleCard // the public articles tied to the procedure
}

// DemandForm is a demand's form, for a draft or a correction.
type DemandForm struct {
	Action     string // the demand's page, base of the action URLs
	Version    int
	Fields     []FormField
	Correction bool // answering a correction request rather than filling a draft
}

// FormField is one question of a demand's form, with its current value.
type FormField struct {
	Name         string
	ID           string
	Label        string
	Type         string // the field partial's type; "file" for the file widget
	Help         string
	Required     bool
	Options      []string
	Autocomplete string
	Rows         int
	Value        any
	Error        string
	ToCorrect    bool    // named by the correction request
	Suggest      string  // an address field: where to fetch street suggestions
	ShowIf       *ShowIf // shown only when another field has a value

	// File fields.
	Files       []FileItem
	Status      string // "« plan.pdf » est joint.", after an upload
	UploadURL   string
	MaxSize     int64
	MaxSizeText string // "20 Mo"
	MaxFiles    string // "10 fichiers", of this field
	Accepted    string // "PDF, JPEG, PNG…"
	Extensions  string // the input's accept attribute
}

// ShowIf is a field's condition: the field Name must have Value. Text spells
// it out for a page read without JavaScript, where every field shows.
type ShowIf struct{ Name, Value, Text string }

// FileItem is one attached file.
type FileItem struct {
	ID        int64
	Name      string
	Size      int64
	Type      string // "PDF", "JPEG"…
	URL       string
	Preview   string // inline view URL, empty when browsers cannot show it
	RemoveURL string // empty when it cannot be removed
}

// DraftPage is the Data of "citizen/draft".
type DraftPage struct {
	ProcedureTitle string
	Documents      []string
	Email          string
	TrackingCode   string
	Form           DemandForm
}

// FollowPage is the Data of "citizen/follow".
type FollowPage struct {
	ProcedureTitle string
	FormVersion    string // "Version 2 du 01/12/2026": the form it was filled in with
	Reference      string
	TrackingCode   string
	State          string
	StateLabel     string
	Explanation    string
	SubmittedAt    *time.Time
	Correction     *CorrectionRequest
	Data           []DataItem
	History        []HistoryItem
	Messages       []HistoryItem
	ReceiptURL     string
	Form           *DemandForm // when a correction is requested
	// Exchange is the thread with the commune about the demand, and the
	// form that writes in it ("Écrire à la mairie").
	Exchange DemandThread
}

// CorrectionRequest is what the commune asked the citizen to correct.
type CorrectionRequest struct {
	Message string
	Fields  []FieldLink
}

// FieldLink names a field and links to its control.
type FieldLink struct{ Label, ID string }

// DataItem is one answer of a submitted demand.
type DataItem struct {
	Label string
	Value string
	Files []FileItem
	File  bool
}

// Confirmation is the Data of "citizen/confirmation".
type Confirmation struct {
	ProcedureTitle string
	Reference      string
	TrackingCode   string
	SubmittedAt    *time.Time
	Email          string
	FollowURL      string
	ReceiptURL     string
	WhatNext       string // what the accueil may do now
}

// LinkProblem is the Data of "citizen/link": an expired or invalid link.
type LinkProblem struct {
	Expired  bool
	RenewURL string // expired: where to ask for a fresh link
}

// HumanSize formats a size in bytes the French way, as the "bytes" func does.
func HumanSize(n int64) string {
	s, _ := humanSize(n)
	return s
}
