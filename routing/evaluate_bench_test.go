package routing_test

import (
	"fmt"
	"testing"

	"guichet/models"
	"guichet/routing"
)

// benchRules are n rules of which only the last matches subject(): in
// "first match", every one is evaluated.
func benchRules(n int) []models.RoutingRule {
	rules := make([]models.RoutingRule, n)
	for i := range rules {
		rules[i] = models.RoutingRule{ID: int64(i + 1), Name: fmt.Sprintf("Règle %d", i+1), Enabled: true}
		if i < n-1 {
			rules[i].Conditions = models.RuleConditions{Procedures: []int64{7}, Words: []string{fmt.Sprintf("absent%d", i), "réverbère cassé"},
				Fields: []models.FieldCriteria{{Field: "type", Op: routing.OpContains, Values: []string{fmt.Sprintf("nulle part %d", i)}}}}
		}
	}
	return rules
}

// BenchmarkEvaluate evaluates a submission's subject against 200 rules and
// against an empty set: the difference is what the rules cost, reported
// as rules evaluated per second.
func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{0, 200} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			set := routing.NewSet(models.ModeFirst, benchRules(n))
			sub := subject()
			for b.Loop() {
				set.Evaluate(sub)
			}
			if n > 0 {
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rules/s")
			}
		})
	}
}
