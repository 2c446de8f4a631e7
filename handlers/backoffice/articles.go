package backoffice

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/articles"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/perm"
	"guichet/views"
)

const articlesPath = "/gestion/articles"

func articlePath(id int64) string { return articlesPath + "/" + strconv.FormatInt(id, 10) }

// articlesShow lists the commune's articles, public and internal, or those
// the search finds.
func (s *Handlers) articlesShow(c *gin.Context) {
	cm := web.Commune(c)
	q := c.Query("q")
	as, err := models.ListArticles(c.Request.Context(), s.DB, cm.ID, models.ArticleFilter{Text: q, Limit: 200})
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := views.ArticleList{Query: q, MayWrite: currentAgent(c).Has(perm.Reply)}
	for _, a := range as {
		data.Articles = append(data.Articles, views.ArticleCard{Title: a.Title, URL: articlePath(a.ID), Excerpt: articles.Excerpt(a.Body, 160), Public: a.Public})
	}
	p := s.Page(c, "Articles d'aide")
	p.Data = data
	s.Render(c, http.StatusOK, "agent/articles", p)
}

// articleNew is the editor of a new article.
func (s *Handlers) articleNew(c *gin.Context) {
	s.showArticle(c, http.StatusOK, 0, articles.Input{}, nil, "", nil)
}

// articleEdit is an article: rendered, and in the editor for who writes.
func (s *Handlers) articleEdit(c *gin.Context) {
	a, err := models.ArticleByID(c.Request.Context(), s.DB, web.Commune(c).ID, web.IDParam(c, "aid"))
	if err != nil {
		s.Fail(c, err)
		return
	}
	in := articles.Input{Title: a.Title, Slug: a.Slug, Body: a.Body, Public: a.Public, MotifIDs: a.MotifIDs, ProcedureIDs: a.ProcedureIDs, Version: a.Version}
	s.showArticle(c, http.StatusOK, a.ID, in, a, "", nil)
}

// showArticle shows the editor filled with in, the preview of its text
// (always for a saved article; on demand for what is typed), errs beside
// the fields and flash above.
func (s *Handlers) showArticle(c *gin.Context, status int, id int64, in articles.Input, saved *models.Article, flash string, errs views.FormErrors) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	title := "Nouvel article"
	if id != 0 {
		title = in.Title
	}
	p := s.Page(c, title)
	if flash != "" {
		p.Flash = &views.Flash{Kind: views.FlashError, Text: flash}
	}
	d := views.ArticleEditor{ID: id, Action: articlesPath + "/nouveau", MayWrite: currentAgent(c).Has(perm.Reply)}
	if id != 0 {
		d.Action = articlePath(id)
	}
	if saved != nil {
		d.UpdatedAt = saved.UpdatedAt
		if saved.Public {
			d.PublicURL = articles.Path(cm.Slug, saved.Slug)
		}
	}
	if in.Body != "" && (saved != nil || c.PostForm("op") == "apercu") {
		d.Preview = articles.Render(in.Body)
	}
	tree, err := models.Motifs(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	for _, n := range tree {
		if !n.Inactive {
			d.Motifs = append(d.Motifs, views.Option{Value: strconv.FormatInt(n.ID, 10), Label: n.Path})
		}
	}
	ps, err := models.AllProcedures(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	for _, pr := range ps {
		d.Procedures = append(d.Procedures, views.Option{Value: strconv.FormatInt(pr.ID, 10), Label: pr.Title})
	}
	p.Form = map[string]any{"titre": in.Title, "slug": in.Slug, "texte": in.Body, "version": strconv.Itoa(in.Version),
		"motifs": ids(in.MotifIDs), "demarches": ids(in.ProcedureIDs)}
	if in.Public {
		p.Form["public"] = "oui"
	}
	p.Errors, p.Data = errs, d
	s.Render(c, status, "agent/article", p)
}

// ids are ids as a checkboxes field's values.
func ids(v []int64) []string {
	out := make([]string, len(v))
	for i, id := range v {
		out[i] = strconv.FormatInt(id, 10)
	}
	return out
}

// formIDs reads a checkboxes field's ids (what is not one is left out:
// articles.Save refuses ids of another commune).
func formIDs(c *gin.Context, name string) []int64 {
	var out []int64
	for _, v := range c.PostFormArray(name) {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// articleSave saves the editor's article, or (op "apercu") shows the
// preview of what was typed, saving nothing. A refusal, or a save over
// another agent's, shows the editor again with what was typed.
func (s *Handlers) articleSave(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	id := web.IDParam(c, "aid")
	var saved *models.Article
	if c.Param("aid") != "" {
		var err error
		if saved, err = models.ArticleByID(ctx, s.DB, cm.ID, id); err != nil {
			s.Fail(c, err)
			return
		}
	}
	in := articles.Input{Title: trimmed(c, "titre"), Slug: trimmed(c, "slug"), Body: c.PostForm("texte"), Public: c.PostForm("public") == "oui",
		MotifIDs: formIDs(c, "motifs"), ProcedureIDs: formIDs(c, "demarches")}
	in.Version, _ = strconv.Atoi(c.PostForm("version"))
	if c.PostForm("op") == "apercu" {
		s.showArticle(c, http.StatusOK, id, in, nil, "", nil)
		return
	}
	a, err := articles.Save(ctx, s.DB, currentAgent(c), id, in, s.Clock.Now())
	var e *apperr.Error
	switch {
	case err == nil:
		s.SetFlash(c, views.FlashSuccess, "Article enregistré.")
		web.Redirect(c, articlePath(a.ID))
	case errors.Is(err, articles.ErrStale):
		in.Version = saved.Version
		s.showArticle(c, http.StatusConflict, id, in, nil, articles.ErrStale.Message, nil)
	case errors.As(err, &e) && e.Code == apperr.Invalid:
		s.showArticle(c, http.StatusUnprocessableEntity, id, in, nil, "", e.Fields)
	default:
		s.Fail(c, err)
	}
}

// articleLine is what the reply composer inserts for a public article: its
// title and full address.
func (s *Handlers) articleLine(cm *models.Commune, a *models.Article) string {
	return a.Title + " : " + s.Config.BaseURL + articles.Path(cm.Slug, a.Slug)
}
