package workflow

import (
	"context"
	"database/sql"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/history"
	"guichet/models"
	"guichet/perm"
)

// KindReclassified is an agent changing a demand's motif: internal, and
// counted per motif as a reclassification (models.MotifIndicators).
const KindReclassified = "reclassified"

func init() {
	history.Register(history.Kind{Name: KindReclassified, Agent: func(e models.Event) string {
		to, _ := e.Details["to"].(string)
		if to == "" {
			return "Motif retiré"
		}
		return "Motif changé : " + to
	}})
}

// MayReclassify tells whether the actor may change d's motif: an agent
// with "Décider" who may see it, once the citizen has sent it.
func (a Actor) MayReclassify(d *models.Demand) bool {
	return a.Kind == KindAgent && a.Perms.Has(perm.Decide) && a.MaySee(d) && d.State != Draft
}

// Reclassify sets a demand's motif (an active motif of its commune; 0: none)
// and records the change in its history; its deadline clocks follow the
// new motif's policy (Clocks.Reclassified) in the same transaction. The
// demand's version is left as it is: the change does not stale an agent's
// pending action.
func (e *Engine) Reclassify(ctx context.Context, demandID int64, actor Actor, motifID int64) error {
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
		if !actor.MayReclassify(d) {
			return apperr.New(apperr.Forbidden, "Changer le motif d'une demande demande la permission « %s », que votre profil n'accorde pas.", perm.Label(perm.Decide))
		}
		tree, err := models.Motifs(ctx, tx, d.CommuneID)
		if err != nil {
			return err
		}
		details := map[string]any{"from": tree.PathOf(d.MotifID), "to": ""}
		if d.MotifID != nil {
			details["from_id"] = *d.MotifID
		}
		var to *int64
		if motifID != 0 {
			n, ok := tree.Find(motifID)
			if !ok || n.Inactive {
				return apperr.Field("motif", "Ce motif n'existe pas ou n'est plus actif : choisissez-en un dans la liste.")
			}
			to, details["to"], details["to_id"] = &n.ID, n.Path, n.ID
		}
		if (to == nil) == (d.MotifID == nil) && (to == nil || *to == *d.MotifID) {
			return apperr.Field("motif", "La demande a déjà ce motif.")
		}
		d.MotifID = to
		if _, err := tx.NewUpdate().Model(d).Column("motif_id").WherePK().Exec(ctx); err != nil {
			return err
		}
		ev := &models.Event{CommuneID: d.CommuneID, DemandID: d.ID, At: e.now(), Kind: KindReclassified,
			ActorKind: actor.Kind, ActorName: actor.Name, Channel: actor.Channel, Details: details}
		if actor.ID != 0 {
			ev.ActorID = &actor.ID
		}
		if err := history.Record(ctx, tx, ev); err != nil || e.Clocks == nil {
			return err
		}
		return e.Clocks.Reclassified(ctx, tx, d, ev.At)
	})
	if err != nil {
		return apperr.As(err)
	}
	return nil
}
