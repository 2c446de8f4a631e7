package receipt

import (
	"fmt"
	"io"
	"time"
)

// Summary is a readable document of sections drawn like the receipt: the
// summary of what a commune holds about a person (retention.Export).
type Summary struct {
	Commune  string
	Contact  []string
	Title    string
	Intro    string
	Sections []Section
	At       time.Time
}

// Section is a heading, its labelled values, then its paragraphs.
type Section struct {
	Heading    string
	Rows       []Line
	Paragraphs []string
}

// WriteSummary draws s as a PDF on w.
func WriteSummary(w io.Writer, s Summary) error {
	d, err := start(s.Title, s.Commune, fmt.Sprintf("%s — établi le %s par le guichet unique de %s.",
		s.Title, s.At.In(paris).Format("02/01/2006 à 15:04"), s.Commune), s.At)
	if err != nil {
		return err
	}
	d.text(bold, 15, s.Commune, 0)
	for _, c := range s.Contact {
		d.text(regular, 9.5, c, 0)
	}
	d.space(18)
	d.text(bold, 20, s.Title, 0)
	d.text(regular, textSize, s.Intro, 0)
	for _, sec := range s.Sections {
		d.heading(sec.Heading)
		d.rows(sec.Rows)
		for _, p := range sec.Paragraphs {
			d.text(regular, textSize, p, 0)
			d.space(4)
		}
	}
	if d.err != nil {
		return d.err
	}
	return d.pdf.Write(w)
}
