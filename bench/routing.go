package bench

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

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
	names := []string{"routing: a submission, empty rule set", fmt.Sprintf("routing: a submission, %d rules (the last matches)", routingRules),
		"routing: a conversation opened, empty rule set", fmt.Sprintf("routing: a conversation opened, %d rules (the last matches)", routingRules)}
	if !slices.ContainsFunc(names, b.want) {
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
	// A conversation of the commune routed as it is when opened (its row
	// changed by the rules, undone the same way).
	router, _ := b.engine.Router.(*routing.Manager)
	var cv models.Conversation
	var first models.Message
	if err := tx.NewSelect().Model(&cv).Where("commune_id = ?", b.commune.ID).OrderExpr("id").Limit(1).Scan(ctx); err != nil {
		return fmt.Errorf("routing a conversation: none seeded: %w", err)
	}
	if err := tx.NewSelect().Model(&first).Where("commune_id = ? AND conversation_id = ?", cv.CommuneID, cv.ID).OrderExpr("id").Limit(1).Scan(ctx); err != nil {
		return err
	}
	open := func(ctx context.Context, _ int) error {
		if _, err := tx.ExecContext(ctx, "SAVEPOINT routing"); err != nil {
			return err
		}
		c := cv
		if _, _, err := router.RouteConversation(ctx, tx, &c, &first, workflow.SystemActor(cv.CommuneID)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT routing")
		return err
	}
	measures := []func(context.Context, int) error{submit, submit, open, open}
	results := make([]Result, len(names))
	for i, name := range names {
		if i == 1 || i == 3 {
			continue
		}
		if results[i], err = latency(ctx, name, b.o.Duration, measures[i]); err != nil {
			return err
		}
	}
	if err := insertBenchRules(ctx, tx, set, proc.ID); err != nil {
		return err
	}
	for _, i := range []int{1, 3} {
		if results[i], err = latency(ctx, names[i], b.o.Duration, measures[i]); err != nil {
			return err
		}
		results[i].Note = fmt.Sprintf("%.0f rules evaluated/s; %.2f× the empty set's time (p50)", results[i].PerSec*routingRules, float64(results[i].P50)/float64(results[i-1].P50))
	}
	for _, r := range results {
		b.add(r)
	}
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
