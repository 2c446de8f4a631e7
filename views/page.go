package views

// Page is the data every page template receives.
type Page struct {
	Title   string         // page title; the <title> becomes "Title — Commune name"
	Commune *Commune       // nil on instance-wide pages
	User    *User          // signed-in agent; nil for citizens and services
	Flash   *Flash         // one-time message after a redirect
	Errors  FormErrors     // field id -> French message
	Form    map[string]any // submitted values, to refill the form
	Data    any            // page-specific data
	Nav     []NavItem      // back-office navigation
	Wide    bool           // the lists of demands: their seven columns take a wide screen's width
	// Preview is the editor's address when the page is a preview of a
	// procedure: a banner says so and links back.
	Preview string
	// Summary is set by Render from Errors: the error summary's lines, in
	// the order of their fields on the page.
	Summary []ErrorItem
}

// ErrorItem is one line of the error summary: a field's id and its message.
type ErrorItem struct{ ID, Message string }

// Commune is the tenant the page is shown for: its branding and contact details.
type Commune struct {
	Slug        string
	Name        string
	AccentColor string // #rrggbb; anything else is ignored
	LogoURL     string // "" without a logo
	Address     string
	Phone       string
	Email       string
	Website     string
	Hours       []string // the opening hours in French, a line per day or run of days
	HoursNote   string
	A11yLevel   string // the accessibility statement's level, "partiellement conforme"
}

// User is the signed-in agent.
type User struct {
	Name    string
	Email   string
	Profile string // the name of the agent's profile
}

// Flash kinds.
const (
	FlashSuccess = "success"
	FlashError   = "error"
	FlashInfo    = "info"
)

// Flash is a one-time message shown after a redirect.
type Flash struct {
	Kind string // FlashSuccess, FlashError or FlashInfo
	Text string
}

// FormErrors maps a field id (its name unless the field partial got an "id")
// to a French message. The error summary links to each field by that id.
type FormErrors map[string]string

// NavItem is one back-office navigation link.
type NavItem struct {
	Label   string
	Href    string
	Current bool
}

// Option is one choice of a select, radio or checkboxes field.
type Option struct {
	Value string
	Label string
}

// HomeData is the Data of the "home" page: the communes served by the instance.
type HomeData struct {
	Communes []Commune
}

// ErrorData is the Data of the "error" page.
type ErrorData struct {
	Title     string
	Message   string
	BackURL   string // defaults to the commune's home page, or "/"
	BackLabel string // defaults to "Revenir à l'accueil"
}
