package retention

import (
	"context"
	"database/sql"
	"time"

	"github.com/uptrace/bun"

	"guichet/files"
	"guichet/history"
	"guichet/models"
	"guichet/workflow"
)

// Anonymiser erases a demand's or a conversation's personal data
// (models.AnonymiseDemand, AnonymiseConversation), records why in its
// history, and deletes from the store the files no row refers to any more.
type Anonymiser struct {
	DB    *bun.DB
	Files *files.Store
}

// Demand anonymises a demand (and its conversations) for reason, by actor
// at now; it reports false for one anonymised already.
func (a *Anonymiser) Demand(ctx context.Context, communeID, id int64, reason string, actor workflow.Actor, now time.Time) (bool, error) {
	return a.run(ctx, func(tx bun.Tx, out *models.Erased) (bool, error) {
		ok, err := models.AnonymiseDemand(ctx, tx, communeID, id, now, out)
		if !ok || err != nil {
			return ok, err
		}
		return true, record(ctx, tx, models.Event{CommuneID: communeID, DemandID: id}, reason, actor, now)
	}, communeID, actor, reason, now)
}

// Conversation anonymises a conversation for reason, by actor at now; it
// reports false for one anonymised already.
func (a *Anonymiser) Conversation(ctx context.Context, communeID, id int64, reason string, actor workflow.Actor, now time.Time) (bool, error) {
	return a.run(ctx, func(tx bun.Tx, out *models.Erased) (bool, error) {
		return models.AnonymiseConversation(ctx, tx, communeID, id, now, out)
	}, communeID, actor, reason, now)
}

// Mail erases a mail received that no conversation took, for reason at
// now (models.EraseMail: its row records the reason); it reports false for
// one erased already.
func (a *Anonymiser) Mail(ctx context.Context, communeID, id int64, reason string, now time.Time) (bool, error) {
	return models.EraseMail(ctx, a.DB, communeID, id, reason, now)
}

// Experience anonymises an experience of "Je donne mon avis", for reason
// at now (models.AnonymiseExperience: its row records the reason); it
// reports false for one anonymised already.
func (a *Anonymiser) Experience(ctx context.Context, communeID, id int64, reason string, now time.Time) (bool, error) {
	var done bool
	err := a.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		var err error
		done, err = models.AnonymiseExperience(ctx, tx, communeID, id, reason, now)
		return err
	})
	return done, err
}

// run anonymises in one transaction, records each conversation's entry,
// then removes the contents left unused.
func (a *Anonymiser) run(ctx context.Context, do func(bun.Tx, *models.Erased) (bool, error), communeID int64, actor workflow.Actor, reason string, now time.Time) (bool, error) {
	var out models.Erased
	var done bool
	err := a.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if done, err = do(tx, &out); err != nil || !done {
			return err
		}
		for _, cv := range out.Conversations {
			if err := record(ctx, tx, models.Event{CommuneID: communeID, ConversationID: cv}, reason, actor, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || !done {
		return false, err
	}
	for _, sha := range out.Files {
		if err := models.RemoveUnusedFile(ctx, a.DB, sha, func(ctx context.Context, tx bun.IDB) error { return a.Files.Remove(ctx, tx, sha) }); err != nil {
			return true, err
		}
	}
	return true, nil
}

// record writes the anonymisation's history entry, after the erasure, so
// that it stays.
func record(ctx context.Context, tx bun.Tx, e models.Event, reason string, actor workflow.Actor, now time.Time) error {
	e.At, e.Kind, e.Details = now, KindAnonymised, map[string]any{"reason": reason}
	e.ActorKind, e.ActorName, e.Channel = actor.Kind, actor.Name, actor.Channel
	if actor.Kind == workflow.KindAgent {
		e.ActorID = &actor.ID
	}
	return history.Record(ctx, tx, &e)
}
