package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// SavedReply is a text an agent inserts in a reply; Team "" is everyone's,
// otherwise "accueil" or a service's id.
type SavedReply struct {
	bun.BaseModel `bun:"table:saved_replies,alias:sr"`

	ID        int64  `bun:",pk,autoincrement"`
	CommuneID int64  `bun:",notnull"`
	Title     string `bun:",notnull"`
	Body      string `bun:",notnull"`
	Team      string `bun:",notnull"`
	Uses      int    `bun:",notnull"`
	CreatedBy *int64
	CreatedAt time.Time `bun:",notnull"`
}

// SavedReplies lists a commune's saved replies for a team ("" every one),
// most used first.
func SavedReplies(ctx context.Context, db bun.IDB, communeID int64, team string) ([]SavedReply, error) {
	var rs []SavedReply
	q := db.NewSelect().Model(&rs).Where("commune_id = ?", communeID).Order("uses DESC", "title", "id")
	if team != "" {
		q.Where("team IN ('', ?)", team)
	}
	return rs, q.Scan(ctx)
}

// SavedReplyByID finds a commune's saved reply.
func SavedReplyByID(ctx context.Context, db bun.IDB, communeID, id int64) (*SavedReply, error) {
	r := new(SavedReply)
	err := db.NewSelect().Model(r).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return r, notFound(err)
}

// InsertSavedReply writes a saved reply.
func InsertSavedReply(ctx context.Context, db bun.IDB, r *SavedReply) error {
	_, err := db.NewInsert().Model(r).Returning("id").Exec(ctx)
	return err
}

// CountSavedReplyUse counts one use of a saved reply.
func CountSavedReplyUse(ctx context.Context, db bun.IDB, communeID, id int64) error {
	_, err := db.NewRaw("UPDATE saved_replies SET uses = uses + 1 WHERE commune_id = ? AND id = ?", communeID, id).Exec(ctx)
	return err
}
