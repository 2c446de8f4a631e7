package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Experience statuses, and the states of its answer.
const (
	ExperiencePending   = "pending"
	ExperiencePublished = "published"
	ExperienceRefused   = "refused"

	AnswerNone      = "none"
	AnswerHeld      = "held"
	AnswerPublished = "published"
)

// Experience is what a citizen posted from "Je donne mon avis" (see
// satisfaction.Manager for its rules).
type Experience struct {
	bun.BaseModel `bun:"table:experiences,alias:x"`

	CommuneID          int64  `bun:",pk"`
	ID                 int64  `bun:",pk,autoincrement"`
	Body               string `bun:",notnull"`
	AuthorEmail        string `bun:",notnull"`
	SuggestedServiceID *int64
	ServiceID          *int64
	Status             string `bun:",notnull"`
	RefusalReason      string `bun:",notnull"`
	ModeratedBy        string `bun:",notnull"`
	ModeratedAt        *time.Time
	Answer             string `bun:",notnull"`
	AnswerStatus       string `bun:",notnull"`
	AnsweredBy         string `bun:",notnull"`
	AnsweredAt         *time.Time
	ValidatedBy        string `bun:",notnull"`
	Improvement        string `bun:",notnull"`
	ImprovedAt         *time.Time
	CreatedAt          time.Time `bun:",notnull"`
	PublishedAt        *time.Time
	// When and why its texts and author were erased (retention): it
	// shows nowhere since, its row kept for the indicators.
	AnonymisedAt     *time.Time
	AnonymisedReason string `bun:",notnull"`

	// Filled by the lists: the names of the services.
	ServiceName          string `bun:",scanonly"`
	SuggestedServiceName string `bun:",scanonly"`
}

// InsertExperience writes a new experience.
func InsertExperience(ctx context.Context, db bun.IDB, x *Experience) error {
	_, err := db.NewInsert().Model(x).Returning("id").Exec(ctx)
	return err
}

func experienceQuery(db bun.IDB, out any) *bun.SelectQuery {
	return db.NewSelect().Model(out).ColumnExpr("x.*").
		ColumnExpr("coalesce(s.name, '') AS service_name, coalesce(ss.name, '') AS suggested_service_name").
		Join("LEFT JOIN services AS s ON s.commune_id = x.commune_id AND s.id = x.service_id").
		Join("LEFT JOIN services AS ss ON ss.commune_id = x.commune_id AND ss.id = x.suggested_service_id")
}

// ExperienceByID reads a commune's experience (an anonymised one is not
// found: nothing may act on it any more).
func ExperienceByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Experience, error) {
	x := new(Experience)
	err := experienceQuery(db, x).Where("x.commune_id = ? AND x.id = ? AND x.anonymised_at IS NULL", communeID, id).Scan(ctx)
	return x, notFound(err)
}

// LockExperience reads a commune's experience for update (not found once anonymised).
func LockExperience(ctx context.Context, tx bun.Tx, communeID, id int64) (*Experience, error) {
	x := new(Experience)
	err := tx.NewSelect().Model(x).Where("commune_id = ? AND id = ? AND anonymised_at IS NULL", communeID, id).For("UPDATE").Scan(ctx)
	return x, notFound(err)
}

// UpdateExperience writes the named columns of an experience.
func UpdateExperience(ctx context.Context, db bun.IDB, x *Experience, cols ...string) error {
	_, err := db.NewUpdate().Model(x).Column(cols...).Where("commune_id = ? AND id = ?", x.CommuneID, x.ID).Exec(ctx)
	return err
}

// ListExperiences lists a commune's experiences in a status: the pending
// ones oldest first (the moderation queue), the others newest first. With
// heldOnly, only those whose answer waits for validation.
func ListExperiences(ctx context.Context, db bun.IDB, communeID int64, status string, heldOnly bool, limit int) ([]Experience, error) {
	var out []Experience
	q := experienceQuery(db, &out).Where("x.commune_id = ? AND x.status = ? AND x.anonymised_at IS NULL", communeID, status).Limit(int64(limit))
	if heldOnly {
		q.Where("x.answer_status = ?", AnswerHeld)
	}
	if status == ExperiencePending {
		q.Order("x.created_at", "x.id")
	} else {
		q.OrderExpr("x.created_at DESC, x.id DESC")
	}
	return out, q.Scan(ctx)
}
