// Package tag is a commune's tags: labels agents put on conversations and
// demands, created on the fly, renamed and merged by an admin, counted per
// month on the indicators page so that recurring problems show. A tag on a
// conversation is the conversation's business (conversation.Manager.Tag);
// this package holds the rules of the tags themselves and of a demand's.
package tag

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/history"
	"guichet/models"
	"guichet/workflow"
)

// MaxName bounds a tag's name.
const MaxName = 60

// Clean checks a tag's name as a person typed it; its spaces are squeezed.
func Clean(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || utf8.RuneCountInString(name) > MaxName {
		return "", apperr.Field("etiquette", "Donnez à l'étiquette un nom de 1 à 60 caractères.")
	}
	return name, nil
}

// History kinds of a demand's tags: internal.
const (
	KindDemandTagged   = "demand_tagged"
	KindDemandUntagged = "demand_untagged"
)

func init() {
	history.Register(history.Kind{Name: KindDemandTagged, Agent: func(e models.Event) string { s, _ := e.Details["tag"].(string); return "Étiquette ajoutée : " + s }})
	history.Register(history.Kind{Name: KindDemandUntagged, Agent: func(e models.Event) string { s, _ := e.Details["tag"].(string); return "Étiquette retirée : " + s }})
}

// OnDemand puts a tag on a demand the agent may see (or, with off, takes it
// off), creating the tag if the commune has none of that name.
func OnDemand(ctx context.Context, db *bun.DB, now time.Time, actor workflow.Actor, demandID int64, name string, off bool) error {
	name, err := Clean(name)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		d, err := models.LockDemand(ctx, tx, actor.CommuneID, demandID)
		if err != nil {
			return err
		}
		t, err := models.TagNamed(ctx, tx, d.CommuneID, name, now)
		if err != nil {
			return err
		}
		changed, err := models.SetTagged(ctx, tx, "demand_tags", d.CommuneID, d.ID, t.ID, !off, now)
		if err != nil || !changed {
			return err
		}
		kind := KindDemandTagged
		if off {
			kind = KindDemandUntagged
		}
		ev := &models.Event{CommuneID: d.CommuneID, DemandID: d.ID, At: now, Kind: kind, ActorKind: actor.Kind, ActorName: actor.Name,
			Channel: actor.Channel, Details: map[string]any{"tag": t.Name}}
		if actor.ID != 0 {
			ev.ActorID = &actor.ID
		}
		return history.Record(ctx, tx, ev)
	})
}

// Rename renames a commune's tag; another tag of that name is refused (merge them instead).
func Rename(ctx context.Context, db bun.IDB, communeID, id int64, name string) error {
	name, err := Clean(name)
	if err != nil {
		return err
	}
	t, err := models.TagByID(ctx, db, communeID, id)
	if err != nil {
		return err
	}
	if err := models.RenameTag(ctx, db, t, name); err == models.ErrTaken {
		return apperr.Field("etiquette", "Une autre étiquette porte déjà ce nom : fusionnez-les plutôt.")
	} else if err != nil {
		return err
	}
	return nil
}

// Merge moves every use of one of a commune's tags onto another, then
// deletes the first.
func Merge(ctx context.Context, db *bun.DB, communeID, from, into int64) error {
	if from == into {
		return apperr.Field("dans", "Choisissez une autre étiquette que celle-ci.")
	}
	// The tag merged (the page's) must be the commune's; the one it goes into is a choice.
	if _, err := models.TagByID(ctx, db, communeID, from); err != nil {
		return err
	}
	if _, err := models.TagByID(ctx, db, communeID, into); err != nil {
		return apperr.Field("dans", "Choisissez une étiquette de la liste.")
	}
	return models.MergeTags(ctx, db, communeID, from, into)
}
