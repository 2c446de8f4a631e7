package jobs

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/models"
	"guichet/workflow"
)

// Archiver archives decided demands once their delay has passed, through the
// workflow like any other transition, as the system actor.
type Archiver struct {
	DB     *bun.DB
	Engine *workflow.Engine
	After  time.Duration
}

// RunOnce archives every demand decided before now-After; a demand someone
// changed meanwhile is left for the next run.
func (a *Archiver) RunOnce(ctx context.Context, now time.Time) (int, error) {
	var due []models.Demand
	err := a.DB.NewSelect().Model(&due).Column("id", "commune_id", "version").
		Where("state IN (?) AND decided_at < ?", bun.In(workflow.Standard.In(workflow.SetDecided)), now.Add(-a.After)).
		Order("decided_at").Limit(500).Scan(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		_, err := a.Engine.Apply(ctx, d.ID, workflow.Archive, workflow.SystemActor(d.CommuneID), workflow.Input{Version: d.Version})
		switch apperr.CodeOf(err) {
		case "":
			n++
		case apperr.Conflict, apperr.Forbidden:
		default:
			return n, err
		}
	}
	return n, nil
}
