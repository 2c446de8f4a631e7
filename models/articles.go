package models

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// Article is a help article of a commune, in Markdown: public (the portal
// shows it) or internal (agents only), tied to motifs and procedures.
type Article struct {
	bun.BaseModel `bun:"table:articles,alias:ar"`

	ID        int64  `bun:",pk,autoincrement"`
	CommuneID int64  `bun:",notnull"`
	Slug      string `bun:",notnull"`
	Title     string `bun:",notnull"`
	Body      string `bun:",notnull"`
	Public    bool   `bun:",notnull"`
	Version   int    `bun:",nullzero,notnull,default:1"`
	UpdatedBy *int64
	CreatedAt time.Time `bun:",notnull"`
	UpdatedAt time.Time `bun:",notnull"`

	MotifIDs     []int64 `bun:"-"`
	ProcedureIDs []int64 `bun:"-"`
}

// ArticleFilter selects a commune's articles. Text holds what a person
// typed: every word must begin a word of the article, or, with AnyWord
// (suggestions while a citizen types a whole question), one at least, the
// best matches first.
type ArticleFilter struct {
	PublicOnly  bool
	Text        string
	AnyWord     bool
	MotifID     int64
	ProcedureID int64
	Limit       int
}

// ListArticles lists a commune's articles by the filter: by relevance to
// the text if any, else by title.
func ListArticles(ctx context.Context, db bun.IDB, communeID int64, f ArticleFilter) ([]Article, error) {
	var out []Article
	q := db.NewSelect().Model(&out).Where("ar.commune_id = ?", communeID)
	if f.PublicOnly {
		q.Where("ar.public")
	}
	if f.MotifID != 0 {
		q.Where("EXISTS (SELECT 1 FROM article_motifs am WHERE am.commune_id = ar.commune_id AND am.article_id = ar.id AND am.motif_id = ?)", f.MotifID)
	}
	if f.ProcedureID != 0 {
		q.Where("EXISTS (SELECT 1 FROM article_procedures ap WHERE ap.commune_id = ar.commune_id AND ap.article_id = ar.id AND ap.procedure_id = ?)", f.ProcedureID)
	}
	if words, _ := SearchTerms(f.Text); len(words) > 0 {
		query := ArticleQuery(words, f.AnyWord)
		// Stop words alone ("le", "du") make an empty query: match nothing.
		q.Where("ar.search @@ to_tsquery('fr_unaccent', ?0) AND numnode(to_tsquery('fr_unaccent', ?0)) > 0", query).
			OrderExpr("ts_rank(ar.search, to_tsquery('fr_unaccent', ?)) DESC", query)
	} else if f.Text != "" {
		return nil, nil
	}
	q.OrderExpr("ar.title COLLATE \"fr-x-icu\", ar.id")
	if f.Limit > 0 {
		q.Limit(int64(f.Limit))
	}
	return out, q.Scan(ctx)
}

// ArticleQuery is the tsquery text of words (SearchTerms made them:
// letters and digits only): all of them, as prefixes, for a search; or,
// for suggestions while one types, any of them, whole but the last, the
// one being typed ("passe" does not find "passage": suggestions stay few
// and to the point, and cheap to rank).
func ArticleQuery(words []string, any bool) string {
	if !any {
		return tsTerms(words, true)
	}
	last := len(words) - 1
	q := tsTerms(words[last:], true)
	if whole := tsTerms(words[:last], false); whole != "" {
		q = strings.ReplaceAll(whole, " & ", " | ") + " | " + q
	}
	return q
}

// ArticleByID finds a commune's article, with its motifs and procedures.
func ArticleByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Article, error) {
	return articleWhere(ctx, db, "ar.commune_id = ? AND ar.id = ?", communeID, id)
}

// PublicArticle finds a commune's public article by its slug.
func PublicArticle(ctx context.Context, db bun.IDB, communeID int64, slug string) (*Article, error) {
	return articleWhere(ctx, db, "ar.commune_id = ? AND ar.slug = ? AND ar.public", communeID, slug)
}

func articleWhere(ctx context.Context, db bun.IDB, where string, args ...any) (*Article, error) {
	a := new(Article)
	if err := db.NewSelect().Model(a).Where(where, args...).Scan(ctx); err != nil {
		return a, notFound(err)
	}
	err := db.NewRaw("SELECT coalesce(array_agg(motif_id ORDER BY motif_id), '{}') FROM article_motifs WHERE commune_id = ? AND article_id = ?",
		a.CommuneID, a.ID).Scan(ctx, pgdialect.Array(&a.MotifIDs))
	if err != nil {
		return a, err
	}
	return a, db.NewRaw("SELECT coalesce(array_agg(procedure_id ORDER BY procedure_id), '{}') FROM article_procedures WHERE commune_id = ? AND article_id = ?",
		a.CommuneID, a.ID).Scan(ctx, pgdialect.Array(&a.ProcedureIDs))
}

// PublicArticleMotifs are the motifs of a commune that have public articles.
func PublicArticleMotifs(ctx context.Context, db bun.IDB, communeID int64) (map[int64]bool, error) {
	var ids []int64
	err := db.NewRaw(`SELECT DISTINCT am.motif_id FROM article_motifs am JOIN articles ar ON ar.commune_id = am.commune_id AND ar.id = am.article_id
		WHERE am.commune_id = ? AND ar.public`, communeID).Scan(ctx, &ids)
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

// SaveArticle inserts a (ID 0) or updates it if it is still at a.Version
// (else ErrStale), with its motifs and procedures; a slug another article
// of the commune has is ErrTaken.
func SaveArticle(ctx context.Context, db bun.IDB, a *Article) error {
	if a.ID == 0 {
		a.Version = 1
		if _, err := db.NewInsert().Model(a).Returning("id").Exec(ctx); err != nil {
			return uniqueViolation(err)
		}
	} else {
		res, err := db.NewUpdate().Model(a).Column("slug", "title", "body", "public", "updated_by", "updated_at").
			Set("version = version + 1").Where("commune_id = ? AND id = ? AND version = ?", a.CommuneID, a.ID, a.Version).Exec(ctx)
		if err != nil {
			return uniqueViolation(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrStale
		}
		a.Version++
	}
	for _, link := range []struct {
		table, column string
		ids           []int64
	}{{"article_motifs", "motif_id", a.MotifIDs}, {"article_procedures", "procedure_id", a.ProcedureIDs}} {
		if _, err := db.NewRaw("DELETE FROM ? WHERE commune_id = ? AND article_id = ?", bun.Ident(link.table), a.CommuneID, a.ID).Exec(ctx); err != nil {
			return err
		}
		if len(link.ids) == 0 {
			continue
		}
		if _, err := db.NewRaw("INSERT INTO ? (commune_id, article_id, ?) SELECT ?, ?, unnest(?::bigint[]) ON CONFLICT DO NOTHING",
			bun.Ident(link.table), bun.Ident(link.column), a.CommuneID, a.ID, pgdialect.Array(link.ids)).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// What a citizen did with an article (the article_stats columns).
const (
	ArticleViewed   = "views"
	ArticleAnswered = "answered"
	ArticleOpened   = "opened"
)

// CountArticle counts one event (ArticleViewed, ArticleAnswered or
// ArticleOpened) on a commune's article.
func CountArticle(ctx context.Context, db bun.IDB, communeID, articleID int64, what string) error {
	switch what {
	case ArticleViewed, ArticleAnswered, ArticleOpened:
	default:
		panic("models: unknown article count " + what)
	}
	_, err := db.NewRaw("INSERT INTO article_stats AS s (commune_id, article_id, ?0) VALUES (?1, ?2, 1) ON CONFLICT (commune_id, article_id) DO UPDATE SET ?0 = s.?0 + 1",
		bun.Ident(what), communeID, articleID).Exec(ctx)
	return err
}

// ArticleCounts is what citizens did with one article.
type ArticleCounts struct {
	ID       int64
	Title    string
	Public   bool
	Views    int64
	Answered int64
	Opened   int64
}

// ArticleIndicators are the counts of a commune's articles that have any,
// most viewed first, at most limit.
func ArticleIndicators(ctx context.Context, db bun.IDB, communeID int64, limit int) ([]ArticleCounts, error) {
	var out []ArticleCounts
	err := db.NewRaw(`SELECT ar.id, ar.title, ar.public, s.views, s.answered, s.opened
		FROM article_stats s JOIN articles ar ON ar.commune_id = s.commune_id AND ar.id = s.article_id
		WHERE s.commune_id = ? ORDER BY s.views DESC, s.answered DESC, ar.id LIMIT ?`, communeID, limit).Scan(ctx, &out)
	return out, err
}
