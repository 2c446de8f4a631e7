// Package articles is the commune's help articles: written in Markdown by
// agents who reply to citizens, rendered inert (Render), public or
// internal, tied to motifs and procedures, searched in French and
// suggested to citizens as they type their question.
package articles

import (
	"bytes"
	"context"
	"errors"
	"html"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/uptrace/bun"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"guichet/apperr"
	"guichet/models"
	"guichet/streets"
	"guichet/validate"
)

// markdown renders CommonMark with tables and autolinks. Without
// html.WithUnsafe, goldmark leaves raw HTML out and drops dangerous link
// destinations (javascript:, vbscript:, data: but images); the policy
// below then removes whatever could still run, whatever goldmark does.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))

var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.RequireNoFollowOnLinks(false)
	return p
}()

// Render is an article's Markdown as HTML safe to show: no script, no
// event handler, no javascript: link, no raw HTML survives.
func Render(md string) template.HTML {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(md))
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())) // #nosec: sanitised just now
}

// Input is the editor's form, as typed. Version is the article's version
// the form was made from (0 for a new one).
type Input struct {
	Title        string `form:"titre" label:"le titre de l'article" example:"Jours de collecte des déchets" validate:"required,max=200"`
	Slug         string `form:"slug" label:"l'adresse de l'article" example:"collecte-des-dechets" validate:"omitempty,max=80,slug"`
	Body         string `form:"texte" label:"le texte de l'article" validate:"required,max=50000"`
	Public       bool
	MotifIDs     []int64
	ProcedureIDs []int64
	Version      int
}

// ErrStale refuses a save over another agent's.
var ErrStale = apperr.New(apperr.Conflict, "Cet article a été modifié entre-temps par un autre agent : vos modifications n'ont pas été enregistrées. Ce que vous avez saisi est conservé ci-dessous ; ouvrez l'article dans un autre onglet pour voir sa version actuelle, ou enregistrez à nouveau pour la remplacer par votre saisie.")

// Save checks the form and writes the article (id 0: a new one) of the
// agent's commune, as edited by agent at now. A refusal is an
// apperr.Fields with a French message beside each field at fault.
func Save(ctx context.Context, db *bun.DB, agent *models.Agent, id int64, in Input, now time.Time) (*models.Article, error) {
	if in.Slug == "" {
		in.Slug = Slug(in.Title)
	}
	errs := validate.Struct(in)
	if errs == nil {
		errs = map[string]string{}
	}
	tree, err := models.Motifs(ctx, db, agent.CommuneID)
	if err != nil {
		return nil, err
	}
	for _, m := range in.MotifIDs {
		if _, ok := tree.Find(m); !ok {
			errs["motifs"] = "Choisissez des motifs de la commune."
		}
	}
	ps, err := models.AllProcedures(ctx, db, agent.CommuneID)
	if err != nil {
		return nil, err
	}
	for _, p := range in.ProcedureIDs {
		if !slices.ContainsFunc(ps, func(q models.Procedure) bool { return q.ID == p }) {
			errs["demarches"] = "Choisissez des démarches de la commune."
		}
	}
	if len(errs) > 0 {
		return nil, apperr.Fields(errs)
	}
	a := &models.Article{ID: id, CommuneID: agent.CommuneID, Slug: in.Slug, Title: in.Title, Body: in.Body, Public: in.Public,
		Version: in.Version, UpdatedBy: &agent.ID, CreatedAt: now, UpdatedAt: now, MotifIDs: in.MotifIDs, ProcedureIDs: in.ProcedureIDs}
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return models.SaveArticle(ctx, tx, a) })
	switch {
	case errors.Is(err, models.ErrStale):
		return nil, ErrStale
	case errors.Is(err, models.ErrTaken):
		return nil, apperr.Field("slug", "L'adresse « "+in.Slug+" » est déjà celle d'un autre article de la commune : choisissez-en une autre.")
	}
	return a, err
}

// Slug is the address an article gets from its title: lower case, no
// accents, words joined by dashes, 80 characters at most.
func Slug(title string) string {
	var words []string
	for _, w := range strings.Fields(streets.Fold(title)) {
		w = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, w)
		if w != "" {
			words = append(words, w)
		}
	}
	s := strings.Join(words, "-")
	for len(s) > 80 {
		i := strings.LastIndexByte(s, '-')
		if i < 0 {
			s = s[:80]
			break
		}
		s = s[:i]
	}
	return s
}

// Suggestions are the commune's public articles that may answer what a
// citizen is typing (any of its words), the best first.
func Suggestions(ctx context.Context, db bun.IDB, communeID int64, typed string) ([]models.Article, error) {
	return models.ListArticles(ctx, db, communeID, models.ArticleFilter{PublicOnly: true, Text: typed, AnyWord: true, Limit: SuggestionCount})
}

// SuggestionCount is how many articles a suggestion list shows at most.
const SuggestionCount = 5

var plain = bluemonday.StrictPolicy()

// Excerpt is the first n characters of an article's text, without its
// formatting, for a list.
func Excerpt(md string, n int) string {
	words := strings.Fields(html.UnescapeString(plain.Sanitize(string(Render(md)))))
	text := []rune(strings.Join(words, " "))
	if len(text) <= n {
		return string(text)
	}
	return strings.TrimRight(string(text[:n]), " ,.;:") + "…"
}

// Path is the portal's address of a public article.
func Path(communeSlug, articleSlug string) string {
	return "/c/" + communeSlug + "/aide/" + articleSlug
}
