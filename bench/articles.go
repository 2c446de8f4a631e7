package bench

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun/dialect/pgdialect"

	"guichet/articles"
	"guichet/models"
)

// benchArticles is how many help articles the measured commune holds: far
// more than a commune writes, so that the search's cost shows.
const benchArticles = 10_000

// questions are what citizens type in the contact form's first step.
var questions = []string{"Quand passe la collecte des poubelles ?", "lampadaire éteint", "nid-de-poule sur la chaussée",
	"horaires de la piscine pendant les vacances", "inscription à la cantine", "refaire ma carte d'identité", "fuite d'eau",
	"combien de temps pour un permis de construire", "dépôt sauvage d'encombrants", "zzz"}

// bareArticleSearch is articles.Suggestions's query as PostgreSQL runs it.
const bareArticleSearch = `SELECT ar.id, ar.commune_id, ar.slug, ar.title, ar.body, ar.public, ar.version, ar.updated_by, ar.created_at, ar.updated_at
	FROM articles AS ar WHERE ar.commune_id = $1 AND ar.public
	AND ar.search @@ to_tsquery('fr_unaccent', $2) AND numnode(to_tsquery('fr_unaccent', $2)) > 0
	ORDER BY ts_rank(ar.search, to_tsquery('fr_unaccent', $2)) DESC, ar.title COLLATE "fr-x-icu", ar.id LIMIT 5`

// articleSearch measures the suggestions a citizen gets while typing,
// through the handler, through articles.Suggestions and in bare SQL (the
// first two with their ratio to the third), and the help page's search.
func (b *bed) articleSearch(ctx context.Context) error {
	suffix := fmt.Sprintf(", %d articles", benchArticles)
	names := []string{"articles: suggestion handler (GET /c/SLUG/aide/suggestions)", "articles: articles.Suggestions",
		"articles: the same query in bare SQL", "articles: help page search (GET /c/SLUG/aide?q=, every word)"}
	wanted := false
	for _, n := range names {
		wanted = wanted || b.want(n+suffix)
	}
	if !wanted {
		return nil
	}
	if err := b.seedArticles(ctx); err != nil {
		return err
	}
	cid := b.commune.ID
	tsq := make([]string, len(questions))
	for i, q := range questions {
		words, _ := models.SearchTerms(q)
		tsq[i] = models.ArticleQuery(words, true)
	}
	measures := []func(ctx context.Context, i int) error{
		func(ctx context.Context, i int) error {
			req := httptest.NewRequest(http.MethodGet, "/c/"+b.commune.Slug+"/aide/suggestions?question="+url.QueryEscape(questions[i%len(questions)]), nil)
			_, err := b.serve(ctx, req, nil, http.StatusOK)
			return err
		},
		func(ctx context.Context, i int) error {
			_, err := articles.Suggestions(ctx, b.db, cid, questions[i%len(questions)])
			return err
		},
		func(ctx context.Context, i int) error {
			rows, err := b.db.DB.QueryContext(ctx, bareArticleSearch, cid, tsq[i%len(tsq)])
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		},
		func(ctx context.Context, i int) error {
			req := httptest.NewRequest(http.MethodGet, "/c/"+b.commune.Slug+"/aide?q="+url.QueryEscape(questions[i%len(questions)]), nil)
			_, err := b.serve(ctx, req, nil, http.StatusOK)
			return err
		},
	}
	results := make([]*Result, len(names))
	for i, name := range names {
		if !b.want(name + suffix) {
			continue
		}
		r, err := latency(ctx, name+suffix, b.o.Duration, measures[i])
		if err != nil {
			return err
		}
		results[i] = &r
	}
	for i, r := range results {
		if r == nil {
			continue
		}
		if i < 2 && results[2] != nil {
			r.Note = fmt.Sprintf("p50 ×%.1f the bare SQL", float64(r.P50)/float64(results[2].P50))
		}
		b.add(*r)
	}
	return nil
}

// seedArticles gives the measured commune benchArticles articles, nine in
// ten public, made of the seed's problem sentences (so that a citizen's
// words match some hundreds of them), once.
func (b *bed) seedArticles(ctx context.Context) error {
	var n int
	if err := b.db.NewRaw("SELECT count(*) FROM articles WHERE commune_id = ?", b.commune.ID).Scan(ctx, &n); err != nil {
		return err
	}
	if n >= benchArticles {
		return nil
	}
	start := time.Now()
	fmt.Fprintf(b.o.Out, "Loading %d help articles (once)…\n", benchArticles)
	if _, err := b.db.ExecContext(ctx, "DELETE FROM articles WHERE commune_id = ?", b.commune.ID); err != nil {
		return err
	}
	// Each article is about one subject (one in forty share it) or one
	// street's problem (a topic of the seed's, one in six), in a few
	// sentences: a citizen's words then match a few hundred articles.
	topics := slices.Sorted(maps.Keys(problems))
	r := rand.New(rand.NewPCG(18, 1))
	slugs, titles, bodies := make([]string, benchArticles), make([]string, benchArticles), make([]string, benchArticles)
	public := make([]bool, benchArticles)
	for i := range benchArticles {
		slugs[i] = fmt.Sprintf("article-%d", i+1)
		var body []string
		if i%4 == 0 {
			topic := topics[r.IntN(len(topics))]
			titles[i] = fmt.Sprintf("%s : %s (fiche %d)", topic, streetNames[r.IntN(len(streetNames))], i+1)
			for _, s := range problems[topic] {
				body = append(body, strings.ReplaceAll(s, "%d", "12"))
			}
			body = append(body, sinceWhen[r.IntN(len(sinceWhen))])
		} else {
			subject := helpSubjects[r.IntN(len(helpSubjects))]
			titles[i] = fmt.Sprintf("%s : %s (fiche %d)", subject, streetNames[r.IntN(len(streetNames))], i+1)
			for range 2 + r.IntN(3) {
				body = append(body, fmt.Sprintf(helpSentences[r.IntN(len(helpSentences))], subject))
			}
		}
		bodies[i], public[i] = strings.Join(body, "\n\n"), r.IntN(10) > 0
	}
	for i := 0; i < benchArticles; i += 2_000 {
		j := min(i+2_000, benchArticles)
		_, err := b.db.ExecContext(ctx, `INSERT INTO articles (commune_id, slug, title, body, public, created_at, updated_at)
			SELECT ?, s, t, bd, p, now(), now() FROM unnest(?::text[], ?::text[], ?::text[], ?::boolean[]) AS x(s, t, bd, p)`,
			b.commune.ID, pgdialect.Array(slugs[i:j]), pgdialect.Array(titles[i:j]), pgdialect.Array(bodies[i:j]), pgdialect.Array(public[i:j]))
		if err != nil {
			return err
		}
	}
	_, err := b.db.ExecContext(ctx, "VACUUM ANALYZE articles")
	fmt.Fprintf(b.o.Out, "  done (%s)\n", since(start))
	return err
}
