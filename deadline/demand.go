package deadline

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"guichet/models"
	"guichet/workflow"
)

// Demands keeps the clocks of demands as the workflow moves them
// (workflow.Clocks): started at submission under the policy of the
// demand's motif or procedure, paused while a correction is awaited, the
// first answer met by the commune's first move (an agent's or a service's),
// every clock stopped by the decision.
type Demands struct{}

// Follow is called by workflow.Engine.Apply in the transition's transaction.
func (Demands) Follow(ctx context.Context, tx bun.Tx, ch workflow.Change) error {
	d := ch.Demand
	if ch.Event == workflow.Submit {
		p, err := PolicyOf(ctx, tx, d.CommuneID, d.MotifID, &d.ProcedureID)
		if err != nil || p == nil {
			return err
		}
		return Apply(ctx, tx, OfDemand(d), p, *d.SubmittedAt, *d.SubmittedAt, DemandState(ch))
	}
	return Observe(ctx, tx, OfDemand(d), DemandState(ch), ch.History.At)
}

// Reclassified is called by workflow.Engine.Reclassify in its transaction,
// the demand's new motif set: an open demand goes under the policy of its
// new motif (or of its procedure), its clocks counted again from its
// receipt. A policy a routing rule gave (one bound to no motif nor
// procedure) stays; a draft and a decided demand keep what they have.
func (Demands) Reclassified(ctx context.Context, tx bun.Tx, d *models.Demand, now time.Time) error {
	if d.SubmittedAt == nil || d.DecidedAt != nil {
		return nil
	}
	p, err := PolicyOf(ctx, tx, d.CommuneID, d.MotifID, &d.ProcedureID)
	if err != nil {
		return err
	}
	if d.DeadlinePolicyID != nil {
		if p != nil && p.ID == *d.DeadlinePolicyID {
			return nil
		}
		cur, err := models.DeadlinePolicyByID(ctx, tx, d.CommuneID, *d.DeadlinePolicyID)
		if err != nil {
			return err
		}
		if cur.MotifID == nil && cur.ProcedureID == nil {
			return nil
		}
	}
	return Apply(ctx, tx, OfDemand(d), p, *d.SubmittedAt, now, StateOfDemand(d))
}

// DemandState is where a demand stands after a change: the commune
// answered when an agent or a service moved it.
func DemandState(ch workflow.Change) State {
	st := StateOfDemand(ch.Demand)
	byCommune := ch.Actor.Kind == workflow.KindAgent || ch.Actor.Kind == workflow.KindService
	st.Answered = byCommune && ch.Event != workflow.Submit && ch.Event != workflow.Resubmit
	return st
}

// StateOfDemand is where a demand stands: waiting for its citizen in the
// states that suspend its delays, settled once decided.
func StateOfDemand(d *models.Demand) State {
	return State{Waiting: slices.Contains(workflow.Suspended, d.State), Settled: d.DecidedAt != nil}
}
