package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/history"
	"guichet/models"
)

// mayNote tells whether the actor may write an internal note on d: an
// agent who may see it, or the service holding it.
func (a Actor) mayNote(d *models.Demand) bool {
	if a.CommuneID != d.CommuneID || d.State == Draft {
		return false
	}
	switch a.Kind {
	case KindAgent:
		return a.MaySee(d)
	case KindService:
		return a.HoldsDemand(d)
	}
	return false
}

// CheckNote checks a note's text as Note will.
func CheckNote(text string) error {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return apperr.Field("message", "Écrivez la note.")
	case utf8.RuneCountInString(text) > MaxMessageLength:
		return apperr.Field("message", fmt.Sprintf("La note est trop longue (%d caractères au plus).", MaxMessageLength))
	}
	return nil
}

// Note appends an internal note (never shown to the citizen) to a demand's
// history. It leaves the demand itself, and so its version, unchanged; the
// demand's row is locked meanwhile so that a note never lands after a
// decision that took the demand from the service.
func (e *Engine) Note(ctx context.Context, demandID int64, actor Actor, text string) (*models.Event, error) {
	text = strings.TrimSpace(text)
	if err := CheckNote(text); err != nil {
		return nil, err
	}
	var ev *models.Event
	err := e.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
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
			return apperr.New(apperr.Forbidden, "Vous ne pouvez pas ajouter de note à cette demande dans son état actuel (« %s »).", StateLabel(d.State))
		}
		ev = &models.Event{
			CommuneID: d.CommuneID, DemandID: d.ID, At: e.now(), Kind: KindNote,
			ActorKind: actor.Kind, ActorName: actor.Name, Channel: actor.Channel,
			Message: text, Details: map[string]any{},
		}
		if actor.ID != 0 {
			ev.ActorID = &actor.ID
		}
		if actor.AssignmentID != 0 {
			ev.Details["assignment_id"] = actor.AssignmentID
		}
		return history.Record(ctx, tx, ev)
	})
	if err != nil {
		return nil, apperr.As(err)
	}
	return ev, nil
}
