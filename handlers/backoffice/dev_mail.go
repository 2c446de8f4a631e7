package backoffice

import (
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/models"
)

// The development mailbox shows the mails a development instance keeps
// instead of sending them, with their links clickable, so a person trying
// Guichet can follow the whole cycle, service links included. It exists
// only when GUICHET_ENV=development.

type devMailData struct {
	Mails []models.OutboxMail
	Mail  *models.OutboxMail
	Body  template.HTML
}

func (s *Handlers) devMailIndex(c *gin.Context) {
	ctx := c.Request.Context()
	ms, err := models.RecentMails(ctx, s.DB, 200)
	if err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, "Boîte mail de développement")
	p.Data = devMailData{Mails: ms}
	s.Render(c, http.StatusOK, "dev/mail_index", p)
}

func (s *Handlers) devMailShow(c *gin.Context) {
	ctx := c.Request.Context()
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	m, err := models.MailByID(ctx, s.DB, id)
	if err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, m.Subject)
	p.Data = devMailData{Mail: m, Body: linkify(m.BodyText)}
	s.Render(c, http.StatusOK, "dev/mail_show", p)
}

var urlRe = regexp.MustCompile(`https?://[^\s<>"]+`)

// linkify escapes a plain-text body and makes its URLs clickable.
func linkify(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range urlRe.FindAllStringIndex(text, -1) {
		b.WriteString(template.HTMLEscapeString(text[last:m[0]]))
		u := template.HTMLEscapeString(text[m[0]:m[1]])
		b.WriteString(`<a href="` + u + `">` + u + `</a>`)
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}
