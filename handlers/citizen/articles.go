package citizen

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/articles"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// maxQuestion bounds what a citizen's question may be, for the search.
const maxQuestion = 500

// question is what the citizen typed, from the query, bounded.
func question(c *gin.Context) string {
	q := []rune(c.Query("question"))
	if len(q) > maxQuestion {
		q = q[:maxQuestion]
	}
	return string(q)
}

// articleCards are articles as the portal lists them; question, if any,
// follows the citizen to each one (and from there to the contact form).
func articleCards(cm *models.Commune, as []models.Article, question string) []views.ArticleCard {
	out := make([]views.ArticleCard, 0, len(as))
	for _, a := range as {
		u := articles.Path(cm.Slug, a.Slug)
		if question != "" {
			u += "?" + url.Values{"question": {question}}.Encode()
		}
		out = append(out, views.ArticleCard{Title: a.Title, URL: u, Excerpt: articles.Excerpt(a.Body, 160), Public: true})
	}
	return out
}

// helpIndex is "Aide": the commune's public articles, or those matching
// the search, and the motifs that have some.
func (s *Handlers) helpIndex(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	q := c.Query("q")
	if len([]rune(q)) > maxQuestion {
		q = string([]rune(q)[:maxQuestion])
	}
	as, err := models.ListArticles(ctx, s.DB, cm.ID, models.ArticleFilter{PublicOnly: true, Text: q, Limit: 100})
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := views.HelpPage{Query: q, Articles: articleCards(cm, as, "")}
	if data.Motifs, err = s.helpMotifs(c); err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, "Aide")
	p.Data = data
	s.Render(c, http.StatusOK, "citizen/help", p)
}

// motifPath is the portal's page of a motif's articles.
func motifPath(cm *models.Commune, id int64) string {
	return "/c/" + cm.Slug + "/aide/motifs/" + strconv.FormatInt(id, 10)
}

// helpMotifs are the active motifs that have public articles, as links.
func (s *Handlers) helpMotifs(c *gin.Context) ([]views.Link, error) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	ids, err := models.PublicArticleMotifs(ctx, s.DB, cm.ID)
	if err != nil {
		return nil, err
	}
	tree, err := models.Motifs(ctx, s.DB, cm.ID)
	if err != nil {
		return nil, err
	}
	var out []views.Link
	for _, n := range tree {
		if ids[n.ID] && !n.Inactive {
			out = append(out, views.Link{Label: n.Path, URL: motifPath(cm, n.ID)})
		}
	}
	return out, nil
}

// motifArticles is a motif's page: its public articles.
func (s *Handlers) motifArticles(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	tree, err := models.Motifs(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	n, ok := tree.Find(web.IDParam(c, "motif"))
	if !ok || n.Inactive {
		s.RenderError(c, http.StatusNotFound, "Thème introuvable", "Ce thème n'existe pas ou n'est plus proposé. Voyez la liste des articles d'aide.")
		return
	}
	as, err := models.ListArticles(ctx, s.DB, cm.ID, models.ArticleFilter{PublicOnly: true, MotifID: n.ID, Limit: 100})
	if err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, n.Path)
	p.Data = views.HelpPage{Motif: n.Path, Articles: articleCards(cm, as, "")}
	s.Render(c, http.StatusOK, "citizen/help", p)
}

// publicArticle finds the public article of the URL, or answers 404.
func (s *Handlers) publicArticle(c *gin.Context) (*models.Article, bool) {
	a, err := models.PublicArticle(c.Request.Context(), s.DB, web.Commune(c).ID, c.Param("article"))
	if errors.Is(err, models.ErrNotFound) {
		s.RenderError(c, http.StatusNotFound, "Article introuvable", "Cet article n'existe pas ou n'est plus publié. Voyez la liste des articles d'aide.")
		return nil, false
	}
	if err != nil {
		s.Fail(c, err)
		return nil, false
	}
	return a, true
}

// articleShow is a public article, counted as viewed, with "Cela répond à
// ma question" and the way on to the contact form.
func (s *Handlers) articleShow(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	a, ok := s.publicArticle(c)
	if !ok {
		return
	}
	if err := models.CountArticle(ctx, s.DB, cm.ID, a.ID, models.ArticleViewed); err != nil {
		s.Fail(c, err)
		return
	}
	q := question(c)
	data := views.ArticlePage{Slug: a.Slug, Title: a.Title, Body: articles.Render(a.Body), UpdatedAt: a.UpdatedAt, Question: q,
		ContactURL: "/c/" + cm.Slug + "/contact?" + url.Values{"question": {q}, "article": {strconv.FormatInt(a.ID, 10)}}.Encode()}
	tree, err := models.Motifs(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	for _, id := range a.MotifIDs {
		if n, ok := tree.Find(id); ok && !n.Inactive {
			data.Motifs = append(data.Motifs, views.Link{Label: n.Path, URL: motifPath(cm, id)})
		}
	}
	for _, id := range a.ProcedureIDs {
		if p, err := models.ProcedureByID(ctx, s.DB, cm.ID, id); err == nil && p.Active {
			data.Procedures = append(data.Procedures, views.Link{Label: p.Title, URL: "/c/" + cm.Slug + "/demarches/" + p.Slug})
		}
	}
	p := s.Page(c, a.Title)
	p.Data = data
	s.Render(c, http.StatusOK, "citizen/article", p)
}

// articleAnswered is "Cela répond à ma question": counted, and the
// citizen's journey ends there.
func (s *Handlers) articleAnswered(c *gin.Context) {
	a, ok := s.publicArticle(c)
	if !ok {
		return
	}
	if err := models.CountArticle(c.Request.Context(), s.DB, a.CommuneID, a.ID, models.ArticleAnswered); err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, "Merci")
	p.Data = views.Link{Label: a.Title, URL: articles.Path(web.Commune(c).Slug, a.Slug)}
	s.Render(c, http.StatusOK, "citizen/answered", p)
}

// articleSuggest is the list of articles that may answer the question
// being typed: a fragment for the page's script (articles.js).
func (s *Handlers) articleSuggest(c *gin.Context) {
	sg, err := s.suggestions(c, question(c))
	if err != nil {
		s.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.Views.Fragment(c.Writer, http.StatusOK, "article_suggestions", sg)
}

// suggestions are the public articles that may answer q.
func (s *Handlers) suggestions(c *gin.Context, q string) (views.Suggestions, error) {
	cm := web.Commune(c)
	as, err := articles.Suggestions(c.Request.Context(), s.DB, cm.ID, q)
	return views.Suggestions{Question: q, Articles: articleCards(cm, as, q)}, err
}
