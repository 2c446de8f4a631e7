package workflow

import (
	"context"
	"database/sql"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/files"
	"guichet/history"
	"guichet/models"
)

// AddFile attaches an internal file (never shown to the citizen) to a
// demand and records it in the history, in one transaction, under the
// demand's lock: whoever may write a note may add a file. The demand's
// files stay within limits (models.FileLimits.Admit). The same file
// sent twice is recorded once; ev is then nil. keep puts the content in the
// store once it is recorded (see models.InsertAttachment).
func (e *Engine) AddFile(ctx context.Context, demandID int64, actor Actor, a *models.Attachment, limits models.FileLimits, keep files.KeepFunc) (ev *models.Event, err error) {
	err = e.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		d, err := models.LockDemand(ctx, tx, actor.CommuneID, demandID)
		if err == nil && actor.hides(d) {
			err = models.ErrNotFound
		}
		if err == models.ErrNotFound {
			return apperr.New(apperr.NotFound, "Cette demande n'existe pas.")
		}
		if err != nil {
			return err
		}
		if !actor.mayNote(d) {
			return apperr.New(apperr.Forbidden, "Vous ne pouvez pas joindre de fichier à cette demande dans son état actuel (« %s »).", StateLabel(d.State))
		}
		a.CommuneID, a.DemandID, a.UploadedBy = d.CommuneID, d.ID, actor.Kind
		added, err := models.InsertAttachment(ctx, tx, a, limits, keep)
		if err != nil || !added {
			return err
		}
		ev = &models.Event{
			CommuneID: d.CommuneID, DemandID: d.ID, At: e.now(), Kind: KindFileAdded,
			ActorKind: actor.Kind, ActorName: actor.Name, Channel: actor.Channel, Message: a.Filename,
			Details: map[string]any{"attachment_id": a.ID, "size": a.Size, "type": a.ContentType},
		}
		if actor.ID != 0 {
			ev.ActorID = &actor.ID
		}
		if actor.AssignmentID != 0 {
			ev.Details["assignment_id"] = actor.AssignmentID
		}
		return history.Record(ctx, tx, ev)
	})
	if models.IsLimit(err) {
		return nil, err // the caller words it with what the demand holds
	}
	if err != nil {
		return nil, apperr.As(err)
	}
	return ev, nil
}
