package citizen

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// contactShow shows "Contacter la mairie": a message to the commune for
// whoever has no demand, or is lost between administrations. Its first
// step asks the question alone and lists the articles that may answer it
// (as the citizen types, with JavaScript); the whole form comes once the
// question is given (?question=), under those suggestions, the subject
// and message started with it.
func (s *Handlers) contactShow(c *gin.Context) {
	q, full := c.GetQuery("question")
	if !full {
		s.showContact(c, http.StatusOK, false, nil, nil)
		return
	}
	q = question(c)
	subject := []rune(q)
	if len(subject) > 120 {
		subject = subject[:120]
	}
	s.showContact(c, http.StatusOK, true, map[string]any{"question": q, "objet": string(subject), "message": q, "article": c.Query("article")}, nil)
}

// showContact shows the first step, or the whole form (full) filled with
// typed and its errors.
func (s *Handlers) showContact(c *gin.Context, status int, full bool, typed map[string]any, errs views.FormErrors) {
	cm := web.Commune(c)
	ps, err := models.ListProcedures(c.Request.Context(), s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := views.ContactPage{Composer: s.Composer("/c/" + cm.Slug + "/contact"), Full: full}
	for _, p := range ps {
		data.Procedures = append(data.Procedures, views.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title})
	}
	if q, _ := typed["question"].(string); q != "" {
		if data.Suggestions, err = s.suggestions(c, q); err != nil {
			s.Fail(c, err)
			return
		}
	}
	data.ArticleID, _ = typed["article"].(string)
	pg := s.Page(c, "Contacter la mairie")
	pg.Form, pg.Errors, pg.Data = typed, errs, data
	s.Render(c, status, "citizen/contact", pg)
}
