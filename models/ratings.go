package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Follow-up states of a rating (a score of 1 or 2 opens one).
const (
	FollowUpOpen   = "open"
	FollowUpClosed = "closed"
)

// Rating is one rating request e-mailed to a citizen, and what they gave:
// about a demand decided, a conversation resolved or an experience
// answered (one of the three ids). ServiceID is the team rated (nil: the
// accueil).
type Rating struct {
	bun.BaseModel `bun:"table:ratings,alias:r"`

	CommuneID      int64 `bun:",pk"`
	ID             int64 `bun:",pk,autoincrement"`
	DemandID       *int64
	ConversationID *int64
	ExperienceID   *int64
	ServiceID      *int64
	MotifID        *int64
	ProcedureID    *int64
	Email          string    `bun:",notnull"`
	RequestedAt    time.Time `bun:",notnull"`
	Score          *int16
	Comment        string `bun:",notnull"`
	RatedAt        *time.Time
	FollowUp       string     `bun:"followup,notnull"`
	FollowUpNote   string     `bun:"followup_note,notnull"`
	FollowUpBy     string     `bun:"followup_by,notnull"`
	FollowUpAt     *time.Time `bun:"followup_at"`
}

// InsertRating writes a rating request.
func InsertRating(ctx context.Context, db bun.IDB, r *Rating) error {
	_, err := db.NewInsert().Model(r).Returning("id").Exec(ctx)
	return err
}

// LockRating reads a commune's rating for update.
func LockRating(ctx context.Context, tx bun.Tx, communeID, id int64) (*Rating, error) {
	r := new(Rating)
	err := tx.NewSelect().Model(r).Where("commune_id = ? AND id = ?", communeID, id).For("UPDATE").Scan(ctx)
	return r, notFound(err)
}

// RatingByID reads a commune's rating.
func RatingByID(ctx context.Context, db bun.IDB, communeID, id int64) (*Rating, error) {
	r := new(Rating)
	err := db.NewSelect().Model(r).Where("commune_id = ? AND id = ?", communeID, id).Scan(ctx)
	return r, notFound(err)
}

// UpdateRating writes the named columns of a rating.
func UpdateRating(ctx context.Context, db bun.IDB, r *Rating, cols ...string) error {
	_, err := db.NewUpdate().Model(r).Column(cols...).Where("commune_id = ? AND id = ?", r.CommuneID, r.ID).Exec(ctx)
	return err
}

// FollowUpRow is a rating to follow up, with what the list shows of its subject.
type FollowUpRow struct {
	Rating      `bun:",extend"`
	Reference   string `bun:",scanonly"` // the demand's or conversation's
	ServiceName string `bun:",scanonly"`
}

// ListFollowUps lists a commune's follow-ups in a state, the oldest rating first.
func ListFollowUps(ctx context.Context, db bun.IDB, communeID int64, state string) ([]FollowUpRow, error) {
	var out []FollowUpRow
	err := db.NewSelect().Model(&out).
		ColumnExpr("r.*").
		ColumnExpr("coalesce(d.reference, cv.reference, '') AS reference, coalesce(s.name, '') AS service_name").
		Join("LEFT JOIN demands AS d ON d.commune_id = r.commune_id AND d.id = r.demand_id").
		Join("LEFT JOIN conversations AS cv ON cv.commune_id = r.commune_id AND cv.id = r.conversation_id").
		Join("LEFT JOIN services AS s ON s.commune_id = r.commune_id AND s.id = r.service_id").
		Where("r.commune_id = ? AND r.followup = ?", communeID, state).
		Order("r.rated_at", "r.id").Limit(200).Scan(ctx)
	return out, err
}

// ExperienceRatings are the scores given to experiences' answers, by experience.
func ExperienceRatings(ctx context.Context, db bun.IDB, communeID int64, ids []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Rating
	err := db.NewSelect().Model(&rows).Column("experience_id", "score").
		Where("commune_id = ? AND experience_id IN (?) AND score IS NOT NULL", communeID, bun.In(ids)).Scan(ctx)
	for _, r := range rows {
		out[*r.ExperienceID] = int(*r.Score)
	}
	return out, err
}

// Dimensions of the satisfaction indicators.
const (
	ByService   = "service"
	ByMotif     = "motif"
	ByProcedure = "procedure"
	ByMonth     = "month"
)

// RatingStat is the ratings of one row of the indicators: a team (Key 0:
// the accueil), a motif, a procedure (Key 0: none) or a month (Label
// YYYY-MM, Europe/Paris).
type RatingStat struct {
	Dimension string
	Key       int64
	Label     string
	N         int
	Average   float64
	Low       int // scores of 1 or 2
}

// RatingIndicators counts the ratings given in the months from since's
// (Europe/Paris) on, per team, motif, procedure and month, from the
// roll-up rating_month_counts (kept by a trigger on ratings): a few rows
// per month, however many ratings. With accueilOnly, only the accueil's
// ratings count (an agent who does not supervise sees their own team's).
func RatingIndicators(ctx context.Context, db bun.IDB, communeID int64, since time.Time, accueilOnly bool) ([]RatingStat, error) {
	return ratingStats(ctx, db, `
    SELECT grouping(service_id) AS gs, grouping(motif_id) AS gm, grouping(procedure_id) AS gp,
           service_id, motif_id, procedure_id, month,
           sum(n)::bigint AS n, (sum(score_sum)::numeric / sum(n))::float8 AS average, sum(low)::bigint AS low
    FROM rating_month_counts
    WHERE commune_id = ?0 AND month >= date_trunc('month', ?1::timestamptz AT TIME ZONE 'Europe/Paris')::date AND n > 0
      AND (NOT ?2 OR service_id = 0)
    GROUP BY GROUPING SETS ((service_id), (motif_id), (procedure_id), (month))`, communeID, since, accueilOnly)
}

// RatingIndicatorsFromRatings gives the same figures aggregated over the
// ratings themselves (an index-only scan of ratings_rated_idx), which
// grows with them: what the roll-up must always equal, and what it saves
// (bench run).
func RatingIndicatorsFromRatings(ctx context.Context, db bun.IDB, communeID int64, since time.Time, accueilOnly bool) ([]RatingStat, error) {
	return ratingStats(ctx, db, `
    SELECT grouping(service_id) AS gs, grouping(motif_id) AS gm, grouping(procedure_id) AS gp,
           service_id, motif_id, procedure_id,
           date_trunc('month', rated_at AT TIME ZONE 'Europe/Paris')::date AS month,
           count(*) AS n, avg(score)::float8 AS average, count(*) FILTER (WHERE score <= 2) AS low
    FROM ratings
    WHERE commune_id = ?0 AND rated_at >= date_trunc('month', ?1::timestamptz AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'Europe/Paris'
      AND rated_at IS NOT NULL AND (NOT ?2 OR service_id IS NULL)
    GROUP BY GROUPING SETS ((service_id), (motif_id), (procedure_id), (date_trunc('month', rated_at AT TIME ZONE 'Europe/Paris')::date))`,
		communeID, since, accueilOnly)
}

// ratingStats names the rows an aggregation gives (gs, gm, gp telling its
// grouping set; a team, motif or procedure NULL or 0 for none): the joins
// read a few dozen rows.
func ratingStats(ctx context.Context, db bun.IDB, aggregation string, args ...any) ([]RatingStat, error) {
	var out []RatingStat
	err := db.NewRaw(`
WITH g AS (`+aggregation+`
)
SELECT CASE WHEN g.gs = 0 THEN 'service' WHEN g.gm = 0 THEN 'motif' WHEN g.gp = 0 THEN 'procedure' ELSE 'month' END AS dimension,
       coalesce(g.service_id, g.motif_id, g.procedure_id, 0) AS key,
       CASE WHEN g.gs = 0 THEN coalesce(s.name, 'Accueil')
            WHEN g.gm = 0 THEN coalesce(m.name, 'Sans motif')
            WHEN g.gp = 0 THEN coalesce(pv.title, 'Sans démarche')
            ELSE to_char(g.month::timestamp, 'YYYY-MM') END AS label,
       g.n, g.average, g.low
FROM g
LEFT JOIN services AS s ON s.commune_id = ?0 AND s.id = g.service_id
LEFT JOIN motifs AS m ON m.commune_id = ?0 AND m.id = g.motif_id
LEFT JOIN procedures AS p ON p.commune_id = ?0 AND p.id = g.procedure_id
LEFT JOIN procedure_versions AS pv ON pv.procedure_id = p.id AND pv.number = p.latest
ORDER BY dimension, label, key`, args...).Scan(ctx, &out)
	return out, err
}

// ConversationRated tells whether a rating was already asked about a conversation.
func ConversationRated(ctx context.Context, db bun.IDB, communeID, conversationID int64) (bool, error) {
	return db.NewSelect().Model((*Rating)(nil)).Where("commune_id = ? AND conversation_id = ?", communeID, conversationID).Exists(ctx)
}
