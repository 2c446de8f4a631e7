package notify

import (
	"bytes"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"
	_ "time/tzdata" // Europe/Paris without the system's zoneinfo

	"guichet/models"
)

// Mail is the content of one e-mail, rendered both as text and HTML.
type Mail struct {
	Subject    string
	Paragraphs []string
	Facts      []Fact
	Link       *Link
	// Rating is a second link, after the first: to rate the answer the
	// mail brings (a decision, a service's answer to an experience).
	Rating *Link
	// Quote is a message quoted whole (a conversation's), its line breaks kept.
	Quote    string
	LinkNote string
	// ReplyNote replaces the closing line that asks not to reply.
	ReplyNote string
	Commune   *models.Commune
	// Set by compose from the commune: its logo's absolute address ("" for
	// none), its accent colour (the button's).
	LogoURL string
	Accent  string
}

// Fact is one labelled line (Référence : 2026-…).
type Fact struct{ Label, Value string }

// Link is the mail's one call to action.
type Link struct{ Label, URL string }

var paris, _ = time.LoadLocation("Europe/Paris")

func formatTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(paris).Format("02/01/2006 à 15:04")
}

func formatDay(t time.Time) string { return t.In(paris).Format("02/01/2006") }

const textBody = `Bonjour,
{{range .Paragraphs}}
{{.}}
{{end}}{{with .Quote}}
{{.}}
{{end}}{{if .Facts}}
{{range .Facts}}{{.Label}} : {{.Value}}
{{end}}{{end}}{{with .Link}}
{{.Label}} :
{{.URL}}
{{end}}{{with .LinkNote}}
{{.}}
{{end}}{{with .Rating}}
{{.Label}} :
{{.URL}}
{{end}}{{template "signature" .}}`

// textSignature ends every text mail, given the mail (its Commune and
// ReplyNote).
const textSignature = `{{define "signature"}}
Cordialement,
{{with .Commune}}Le guichet unique de la mairie de {{.Name}}
{{with .Address}}{{.}}
{{end}}{{with .Phone}}Tél. {{.}}
{{end}}{{with .Email}}{{.}}
{{end}}{{with .Website}}{{.}}
{{end}}{{with .OpeningHours.Lines}}Horaires d'ouverture :
{{range .}}{{.}}
{{end}}{{end}}{{with .HoursNote}}{{.}}
{{end}}{{end}}
{{or .ReplyNote "Ce message est envoyé automatiquement : merci de ne pas y répondre."}}
{{end}}`

const htmlBody = `<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;max-width:640px;margin:0 auto;padding:16px">
<div style="border-bottom:4px solid {{.Accent}};padding-bottom:8px;margin-bottom:16px">{{with .LogoURL}}<img src="{{.}}" alt="" style="max-width:400px;max-height:160px;display:block;margin-bottom:8px">{{end}}<strong style="font-size:20px">{{.Commune.Name}}</strong></div>
<p>Bonjour,</p>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{with .Quote}}<blockquote style="white-space:pre-wrap;margin:16px 0;padding:8px 16px;border-left:4px solid #1f4e8c;background:#f4f6fa">{{.}}</blockquote>
{{end}}{{if .Facts}}<table role="presentation" style="border-collapse:collapse;margin:16px 0">
{{range .Facts}}<tr><th scope="row" style="text-align:left;padding:4px 12px 4px 0;font-weight:bold">{{.Label}}</th><td style="padding:4px 0">{{.Value}}</td></tr>
{{end}}</table>
{{end}}{{with .Link}}<p style="margin:24px 0"><a href="{{.URL}}" style="background:{{$.Accent}};color:#ffffff;padding:12px 20px;text-decoration:none;border-radius:4px;display:inline-block">{{.Label}}</a></p>
<p style="font-size:14px;color:#444">Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :<br>{{.URL}}</p>
{{end}}{{with .LinkNote}}<p style="font-size:14px;color:#444">{{.}}</p>
{{end}}{{with .Rating}}<p>{{.Label}} : <a href="{{.URL}}">{{.URL}}</a></p>
{{end}}{{template "signature" .}}
</body></html>
`

// htmlSignature ends every HTML mail, given the mail (its Commune and
// ReplyNote).
const htmlSignature = `{{define "signature"}}{{with .Commune}}<p>Cordialement,<br>Le guichet unique de la mairie de {{.Name}}</p>
<p style="font-size:14px;color:#444;border-top:1px solid #ccc;padding-top:8px">{{with .Address}}{{.}}<br>{{end}}{{with .Phone}}Tél. {{.}}<br>{{end}}{{with .Email}}{{.}}<br>{{end}}{{with .Website}}{{.}}<br>{{end}}{{with .OpeningHours.Lines}}Horaires d'ouverture&nbsp;:<br>{{range .}}{{.}}<br>{{end}}{{end}}{{with .HoursNote}}{{.}}<br>{{end}}{{end}}
{{or .ReplyNote "Ce message est envoyé automatiquement : merci de ne pas y répondre."}}</p>{{end}}`

// The mails' templates, each body under its name: "mail" (Mail) and
// "digest" (digestMail).
var (
	textTmpl = texttemplate.Must(texttemplate.New("mail").Parse(textBody + textSignature + textDigest))
	htmlTmpl = htmltemplate.Must(htmltemplate.New("mail").Parse(htmlBody + htmlSignature + htmlDigest))
)

func (m Mail) render() (text, html string, err error) { return render("mail", m) }

// render executes the text and HTML templates called name on data.
func render(name string, data any) (text, html string, err error) {
	var t, h bytes.Buffer
	if err := textTmpl.ExecuteTemplate(&t, name, data); err != nil {
		return "", "", err
	}
	if err := htmlTmpl.ExecuteTemplate(&h, name, data); err != nil {
		return "", "", err
	}
	return strings.TrimSpace(t.String()) + "\n", h.String(), nil
}
