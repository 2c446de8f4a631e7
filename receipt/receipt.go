// Package receipt draws the PDF receipt (récépissé de dépôt) of a submitted
// demand: who received what, when, under which reference, with the demand's
// answers and the list of its files. The text is set in the Go fonts
// (golang.org/x/image/font/gofont, BSD licence), embedded, which carry every
// French accent.
package receipt

import (
	"fmt"
	"io"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris without the system's zoneinfo

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// Receipt is what the PDF says.
type Receipt struct {
	Commune      string   // the commune's name
	Contact      []string // its address, phone, e-mail, opening hours
	Procedure    string
	FormVersion  string // "Version 2 du 01/12/2026"
	Reference    string
	TrackingCode string
	Citizen      string // name and e-mail address
	// Acknowledgement is what the law requires it to say (legal.Acknowledgement):
	// the date of receipt, the service, its address, phone and e-mail, the
	// implicit decision and what it means.
	Acknowledgement []Line
	Answers         []Line
	Files           []Line // file name, and its type and size
	PrintedAt       time.Time
}

// Line is one labelled value.
type Line struct{ Label, Value string }

var paris, _ = time.LoadLocation("Europe/Paris")

const (
	margin   = 56.0 // 2 cm
	pageW    = 595.0
	pageH    = 842.0
	width    = pageW - 2*margin
	labelW   = 170.0
	bottom   = pageH - margin - 24 // room for the footer
	regular  = "go"
	bold     = "go-bold"
	lineGap  = 1.35
	textSize = 10.5
)

type doc struct {
	pdf      gopdf.GoPdf
	footnote string // every page's footer
	err      error
}

// start begins an A4 document in the Go fonts, its first page added.
func start(title, author, footnote string, at time.Time) (*doc, error) {
	d := &doc{footnote: footnote}
	d.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	d.pdf.SetInfo(gopdf.PdfInfo{Title: title, Author: author, Creator: "Guichet", CreationDate: at})
	if err := d.pdf.AddTTFFontData(regular, goregular.TTF); err != nil {
		return nil, err
	}
	if err := d.pdf.AddTTFFontData(bold, gobold.TTF); err != nil {
		return nil, err
	}
	d.pdf.AddFooter(d.footer)
	d.pdf.AddPage()
	d.pdf.SetXY(margin, margin)
	return d, nil
}

// Write draws the receipt as a PDF on w.
func Write(w io.Writer, r Receipt) error {
	d, err := start("Récépissé de dépôt "+r.Reference, r.Commune, fmt.Sprintf("Demande %s — récépissé établi le %s par le guichet unique de %s.",
		r.Reference, r.PrintedAt.In(paris).Format("02/01/2006 à 15:04"), r.Commune), r.PrintedAt)
	if err != nil {
		return err
	}

	d.text(bold, 15, r.Commune, 0)
	for _, c := range r.Contact {
		d.text(regular, 9.5, c, 0)
	}
	d.space(18)
	d.text(bold, 20, "Récépissé de dépôt", 0)
	d.text(regular, textSize, fmt.Sprintf("La mairie de %s atteste avoir reçu la demande ci-dessous. Ce récépissé ne vaut pas décision : la mairie examinera la demande et répondra par e-mail.", r.Commune), 0)
	d.space(8)
	d.rows([]Line{
		{"Référence", r.Reference},
		{"Code de suivi", r.TrackingCode},
		{"Démarche", r.Procedure},
		{"Formulaire", r.FormVersion},
		{"Demandeur", r.Citizen},
	})
	d.heading("Accusé de réception")
	d.rows(r.Acknowledgement)
	d.heading("Contenu de la demande")
	d.rows(r.Answers)
	d.heading("Pièces jointes")
	if len(r.Files) == 0 {
		d.text(regular, textSize, "Aucune pièce jointe.", 0)
	}
	d.rows(r.Files)
	if d.err != nil {
		return d.err
	}
	return d.pdf.Write(w)
}

func (d *doc) footer() {
	d.pdf.SetFont(regular, "", 8.5)
	d.pdf.SetTextColor(80, 80, 80)
	d.pdf.SetXY(margin, pageH-margin+6)
	d.pdf.Cell(nil, d.footnote)
	d.pdf.SetTextColor(0, 0, 0)
}

func (d *doc) space(h float64) { d.pdf.SetY(d.pdf.GetY() + h) }

func (d *doc) heading(s string) {
	d.space(14)
	d.need(60)
	d.text(bold, 13, s, 0)
	d.space(2)
}

// need starts a new page unless h points of room are left.
func (d *doc) need(h float64) {
	if d.pdf.GetY()+h > bottom {
		d.pdf.AddPage()
		d.pdf.SetXY(margin, margin)
	}
}

// lines wraps s (which may hold newlines) to w points in the given font.
func (d *doc) lines(font string, size float64, s string, w float64) []string {
	if d.err != nil {
		return nil
	}
	if d.err = d.pdf.SetFont(font, "", size); d.err != nil {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if strings.TrimSpace(para) == "" {
			out = append(out, "")
			continue
		}
		ls, err := d.pdf.SplitTextWithWordWrap(para, w)
		if err != nil {
			d.err = err
			return nil
		}
		out = append(out, ls...)
	}
	return out
}

// text writes s from the left margin plus indent, wrapped, and moves down.
func (d *doc) text(font string, size float64, s string, indent float64) {
	for _, l := range d.lines(font, size, s, width-indent) {
		d.need(size * lineGap)
		d.pdf.SetX(margin + indent)
		if d.err == nil {
			d.err = d.pdf.Cell(nil, l)
		}
		d.space(size * lineGap)
	}
}

// rows writes labelled values in two columns, a thin rule between rows.
func (d *doc) rows(rows []Line) {
	for _, r := range rows {
		value := r.Value
		if strings.TrimSpace(value) == "" {
			value = "Non renseigné"
		}
		labels := d.lines(bold, textSize, r.Label, labelW-10)
		values := d.lines(regular, textSize, value, width-labelW)
		n := max(len(labels), len(values))
		h := float64(n)*textSize*lineGap + 8
		d.need(min(h, bottom-margin))
		y := d.pdf.GetY() + 4
		for i := 0; i < n && d.err == nil; i++ {
			if y+textSize*lineGap > bottom { // a very long answer goes on over pages
				d.pdf.AddPage()
				y = margin
			}
			if i < len(labels) {
				d.pdf.SetFont(bold, "", textSize)
				d.pdf.SetXY(margin, y)
				d.err = d.pdf.Cell(nil, labels[i])
			}
			if i < len(values) && d.err == nil {
				d.pdf.SetFont(regular, "", textSize)
				d.pdf.SetXY(margin+labelW, y)
				d.err = d.pdf.Cell(nil, values[i])
			}
			y += textSize * lineGap
		}
		y += 4
		d.pdf.SetStrokeColor(200, 200, 200)
		d.pdf.SetLineWidth(0.5)
		d.pdf.Line(margin, y, pageW-margin, y)
		d.pdf.SetXY(margin, y)
	}
}
