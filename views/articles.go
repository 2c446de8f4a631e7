package views

import (
	"html/template"
	"time"
)

// ArticleCard is an article in a list: its title, address and first words.
type ArticleCard struct {
	Title   string
	URL     string
	Excerpt string
	Public  bool
}

// Suggestions is the list of articles that may answer a question being
// typed: the "article_suggestions" fragment, on the contact form and the
// procedures' pages.
type Suggestions struct {
	Question string
	Articles []ArticleCard
}

// HelpPage is the Data of "citizen/help": the commune's public articles,
// all of them, those a search found or those of one motif.
type HelpPage struct {
	Query    string
	Motif    string // the motif's path, on a motif's page
	Articles []ArticleCard
	Motifs   []Link // the motifs that have public articles
}

// Link is an address and its words.
type Link struct {
	Label string
	URL   string
}

// ArticlePage is the Data of "citizen/article".
type ArticlePage struct {
	Slug       string
	Title      string
	Body       template.HTML // rendered and sanitised (articles.Render)
	UpdatedAt  time.Time
	Motifs     []Link
	Procedures []Link
	Question   string // what the citizen typed before, carried to the contact form
	ContactURL string
}

// ArticleEditor is the Data of "agent/article": the editor's form, the
// preview of what was typed, and the choices of motifs and procedures.
type ArticleEditor struct {
	ID         int64 // 0: a new article
	Action     string
	Preview    template.HTML
	PublicURL  string // the portal's page of a saved public article
	UpdatedAt  time.Time
	MayWrite   bool
	Motifs     []Option
	Procedures []Option
}

// ArticleList is the Data of "agent/articles".
type ArticleList struct {
	Query    string
	Articles []ArticleCard
	MayWrite bool
}
