package bench

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/uptrace/bun"

	"guichet/models"
	"guichet/routing"
	"guichet/workflow"
)

// routingRules is how many rules the routing measure gives the commune.
const routingRules = 200

// routingCost measures the cost of routing a submission: a draft of the
// commune submitted through workflow.Apply (its rules run in its
// transaction), against an empty rule set and then 200 rules of which
// only the last matches (first match: all 200 evaluated, one action
// written). Everything happens in one transaction rolled back at the end,
// each submission undone to a savepoint: the seeded data stays as it was.
func (b *bed) routingCost(ctx context.Context) error {
	names := []string{"routing: a submission, empty rule set", fmt.Sprintf("routing: a submission, %d rules (the last matches)", routingRules)}
	if !b.want(names[0]) && !b.want(names[1]) {
		return nil
	}
	tx, err := b.db.BeginTx(ctx, &sql.TxOptions{})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	proc, err := models.ProcedureBySlug(ctx, tx, b.commune.ID, "signalement-dysfonctionnement")
	if err != nil {
		return err
	}
	var data map[string]any
	if err := tx.NewSelect().Model((*models.Demand)(nil)).Column("data").
		Where("commune_id = ? AND procedure_id = ? AND submitted_at IS NOT NULL", b.commune.ID, proc.ID).Limit(1).Scan(ctx, &data); err != nil {
		return err
	}
	draft, err := models.NewDraft(ctx, tx, proc, "bench-routage@exemple.fr", b.engine.Clock.Now())
	if err != nil {
		return err
	}
	draft.Data = data
	if _, err := tx.NewUpdate().Model(draft).Column("data").WherePK().Exec(ctx); err != nil {
		return err
	}
	// No other process sees this commune's rules: they are this transaction's.
	if _, err := tx.NewDelete().Model((*models.RoutingRule)(nil)).Where("commune_id = ?", b.commune.ID).Exec(ctx); err != nil {
		return err
	}
	set := &models.RuleSet{CommuneID: b.commune.ID, Trigger: models.TriggerSubmission, Mode: models.ModeFirst}
	if _, err := tx.NewInsert().Model(set).On("CONFLICT (commune_id, trigger) DO UPDATE SET mode = EXCLUDED.mode").Returning("id").Exec(ctx); err != nil {
		return err
	}
	citizen := workflow.CitizenActor(b.commune.ID, draft.ID, draft.CitizenEmail)
	submit := func(ctx context.Context, _ int) error {
		if _, err := tx.ExecContext(ctx, "SAVEPOINT routing"); err != nil {
			return err
		}
		if _, err := b.engine.ApplyTx(ctx, tx, draft.ID, workflow.Submit, citizen, workflow.Input{Version: draft.Version}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT routing")
		return err
	}
	empty, err := latency(ctx, names[0], b.o.Duration, submit)
	if err != nil {
		return err
	}
	if err := insertBenchRules(ctx, tx, set, proc.ID); err != nil {
		return err
	}
	full, err := latency(ctx, names[1], b.o.Duration, submit)
	if err != nil {
		return err
	}
	full.Note = fmt.Sprintf("%.0f rules evaluated/s; %.2f× the empty set's time (p50)", full.PerSec*routingRules, float64(full.P50)/float64(empty.P50))
	b.add(empty)
	b.add(full)
	return nil
}

// insertBenchRules gives the set 199 rules that do not match the demand
// (a word it lacks, on its procedure, by e-mail) and a last one that does.
func insertBenchRules(ctx context.Context, tx bun.Tx, set *models.RuleSet, procedureID int64) error {
	rules := make([]models.RoutingRule, routingRules)
	for i := range rules {
		r := models.RoutingRule{CommuneID: set.CommuneID, SetID: set.ID, Position: i + 1, Name: fmt.Sprintf("Règle %d", i+1), Enabled: true,
			Actions: []models.RuleAction{{Kind: routing.ActionPriority, Priority: 3}, {Kind: routing.ActionTags, Tags: []string{"banc"}}}}
		if i < routingRules-1 {
			r.Conditions = models.RuleConditions{Procedures: []int64{procedureID}, Words: []string{fmt.Sprintf("absent%d", i), "réverbère cassé"},
				Fields: []models.FieldCriteria{{Field: "description", Op: routing.OpContains, Values: []string{fmt.Sprintf("nulle part %d", i)}}}}
		}
		rules[i] = r
	}
	_, err := tx.NewInsert().Model(&rules).Exec(ctx)
	return err
}
