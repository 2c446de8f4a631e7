package models

import (
	"context"
	"database/sql"
	"time"

	"github.com/uptrace/bun"
)

// Tag is a commune's label on conversations and demands.
type Tag struct {
	bun.BaseModel `bun:"table:tags,alias:t"`

	ID        int64     `bun:",pk,autoincrement"`
	CommuneID int64     `bun:",notnull"`
	Name      string    `bun:",notnull"`
	CreatedAt time.Time `bun:",notnull"`
}

// TagCount is a tag and how many conversations and demands carry it.
type TagCount struct {
	Tag
	Conversations int
	Demands       int
}

// Tags lists a commune's tags by name, with their use.
func Tags(ctx context.Context, db bun.IDB, communeID int64) ([]TagCount, error) {
	var ts []TagCount
	err := db.NewSelect().Model((*Tag)(nil)).ColumnExpr("t.*").
		ColumnExpr("(SELECT count(*) FROM conversation_tags AS ct WHERE ct.tag_id = t.id) AS conversations").
		ColumnExpr("(SELECT count(*) FROM demand_tags AS dt WHERE dt.tag_id = t.id) AS demands").
		Where("t.commune_id = ?", communeID).OrderExpr("lower(t.name) COLLATE french_names, t.id").Scan(ctx, &ts)
	return ts, err
}

// TagByID finds a tag of a commune.
func TagByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Tag, error) {
	t := new(Tag)
	err := db.NewSelect().Model(t).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return t, notFound(err)
}

// TagNamed finds a commune's tag by name, case ignored, creating it if it
// does not exist yet.
func TagNamed(ctx context.Context, db bun.IDB, communeID int64, name string, now time.Time) (*Tag, error) {
	t := &Tag{CommuneID: communeID, Name: name, CreatedAt: now}
	_, err := db.NewRaw(`INSERT INTO tags (commune_id, name, created_at) VALUES (?, ?, ?)
ON CONFLICT (commune_id, lower(name)) DO NOTHING`, communeID, name, now).Exec(ctx)
	if err != nil {
		return nil, err
	}
	err = db.NewSelect().Model(t).Where("commune_id = ? AND lower(name) = lower(?)", communeID, name).Scan(ctx)
	return t, err
}

// ConversationTags lists a conversation's tags by name.
func ConversationTags(ctx context.Context, db bun.IDB, communeID, conversationID int64) ([]Tag, error) {
	var ts []Tag
	err := db.NewSelect().Model(&ts).
		Where("t.commune_id = ? AND t.id IN (SELECT tag_id FROM conversation_tags WHERE conversation_id = ?)", communeID, conversationID).
		OrderExpr("lower(t.name) COLLATE french_names").Scan(ctx)
	return ts, err
}

// DemandTags lists a demand's tags by name.
func DemandTags(ctx context.Context, db bun.IDB, communeID, demandID int64) ([]Tag, error) {
	var ts []Tag
	err := db.NewSelect().Model(&ts).
		Where("t.commune_id = ? AND t.id IN (SELECT tag_id FROM demand_tags WHERE demand_id = ?)", communeID, demandID).
		OrderExpr("lower(t.name) COLLATE french_names").Scan(ctx)
	return ts, err
}

// SetTagged puts (on) or takes off (off) a tag on a conversation or a
// demand (table conversation_tags or demand_tags); it reports whether that
// changed anything.
func SetTagged(ctx context.Context, db bun.IDB, table string, communeID, ownerID, tagID int64, on bool, now time.Time) (bool, error) {
	col := "conversation_id"
	if table == "demand_tags" {
		col = "demand_id"
	}
	var res sql.Result
	var err error
	if on {
		res, err = db.NewRaw("INSERT INTO ? (commune_id, ?, tag_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			bun.Ident(table), bun.Ident(col), communeID, ownerID, tagID, now).Exec(ctx)
	} else {
		res, err = db.NewRaw("DELETE FROM ? WHERE commune_id = ? AND ? = ? AND tag_id = ?",
			bun.Ident(table), communeID, bun.Ident(col), ownerID, tagID).Exec(ctx)
	}
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// RenameTag renames a tag; ErrTaken if another tag of the commune has that name.
func RenameTag(ctx context.Context, db bun.IDB, t *Tag, name string) error {
	t.Name = name
	_, err := db.NewUpdate().Model(t).Column("name").WherePK().Exec(ctx)
	return uniqueViolation(err)
}

// MergeTags moves every use of tag from onto tag into, then deletes from.
func MergeTags(ctx context.Context, db *bun.DB, communeID, from, into int64) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, q := range []string{
			`INSERT INTO conversation_tags (commune_id, conversation_id, tag_id, created_at)
SELECT commune_id, conversation_id, ?2, created_at FROM conversation_tags WHERE commune_id = ?0 AND tag_id = ?1 ON CONFLICT DO NOTHING`,
			`INSERT INTO demand_tags (commune_id, demand_id, tag_id, created_at)
SELECT commune_id, demand_id, ?2, created_at FROM demand_tags WHERE commune_id = ?0 AND tag_id = ?1 ON CONFLICT DO NOTHING`,
			`DELETE FROM conversation_tags WHERE commune_id = ?0 AND tag_id = ?1`,
			`DELETE FROM demand_tags WHERE commune_id = ?0 AND tag_id = ?1`,
			`DELETE FROM tags WHERE commune_id = ?0 AND id = ?1`,
		} {
			if _, err := tx.NewRaw(q, communeID, from, into).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// TagMonth is how many conversations and demands were tagged with a tag in one month.
type TagMonth struct {
	TagID int64
	Name  string
	Month string // 2026-11, in Paris
	N     int
}

// TagsByMonth counts the taggings of each tag per month since from.
func TagsByMonth(ctx context.Context, db bun.IDB, communeID int64, from time.Time) ([]TagMonth, error) {
	var out []TagMonth
	err := db.NewRaw(`SELECT t.id AS tag_id, t.name, to_char(u.created_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM') AS month, count(*) AS n
FROM (SELECT tag_id, created_at FROM conversation_tags WHERE commune_id = ?0
      UNION ALL SELECT tag_id, created_at FROM demand_tags WHERE commune_id = ?0) AS u
JOIN tags AS t ON t.id = u.tag_id
WHERE u.created_at >= ?1
GROUP BY t.id, t.name, month ORDER BY lower(t.name) COLLATE french_names, t.id, month`, communeID, from).Scan(ctx, &out)
	return out, err
}
