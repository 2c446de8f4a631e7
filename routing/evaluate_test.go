package routing_test

import (
	"testing"

	"guichet/models"
	"guichet/routing"
)

// A pothole reported on the portal by a citizen of plassans.fr.
func subject() routing.Subject {
	return routing.Subject{
		Channel: routing.ChannelWeb, ProcedureID: 7, Motifs: []int64{31, 3}, // sous-motif 31 of motif 3
		Values: map[string][]string{"type": {"Éclairage public"}, "jours": {"Lundi", "Mardi"}},
		Text:   "Le LAMPADAIRE de la rue de l'Église est éteint depuis lundi.", SenderDomain: "mairie.plassans.fr",
	}
}

func holds(c models.RuleConditions) bool {
	s := routing.NewSet(models.ModeFirst, []models.RoutingRule{{ID: 1, Name: "r", Enabled: true, Conditions: c}})
	return len(s.Evaluate(subject())) == 1
}

func TestEachConditionHoldsOrNot(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    models.RuleConditions
		want bool
	}{
		{"no condition", models.RuleConditions{}, true},
		{"channel", models.RuleConditions{Channels: []string{"email", routing.ChannelWeb}}, true},
		{"other channel", models.RuleConditions{Channels: []string{"email"}}, false},
		{"procedure", models.RuleConditions{Procedures: []int64{6, 7}}, true},
		{"other procedure", models.RuleConditions{Procedures: []int64{6}}, false},
		{"its motif", models.RuleConditions{MotifID: 31}, true},
		{"a motif above it", models.RuleConditions{MotifID: 3}, true},
		{"another motif", models.RuleConditions{MotifID: 4}, false},
		{"field equals, accents and case aside", models.RuleConditions{Fields: []models.FieldCriteria{{Field: "type", Op: routing.OpEquals, Values: []string{"eclairage PUBLIC"}}}}, true},
		{"field equals another value", models.RuleConditions{Fields: []models.FieldCriteria{{Field: "type", Op: routing.OpEquals, Values: []string{"Éclairage"}}}}, false},
		{"field contains", models.RuleConditions{Fields: []models.FieldCriteria{{Field: "type", Op: routing.OpContains, Values: []string{"éclairage"}}}}, true},
		{"field does not contain", models.RuleConditions{Fields: []models.FieldCriteria{{Field: "type", Op: routing.OpContains, Values: []string{"voirie"}}}}, false},
		{"field is one of", models.RuleConditions{Fields: []models.FieldCriteria{{Field: "type", Op: routing.OpOneOf, Values: []string{"Voirie", "Éclairage public"}}}}, true},
		{"field is none of", models.RuleConditions{Fields: []models.FieldCriteria{{Field: "type", Op: routing.OpOneOf, Values: []string{"Voirie", "Propreté"}}}}, false},
		{"one of a field's several values", models.RuleConditions{Fields: []models.FieldCriteria{{Field: "jours", Op: routing.OpEquals, Values: []string{"mardi"}}}}, true},
		{"a field the subject lacks", models.RuleConditions{Fields: []models.FieldCriteria{{Field: "absent", Op: routing.OpContains, Values: []string{"a"}}}}, false},
		{"any word, accents and case aside", models.RuleConditions{Words: []string{"nid-de-poule", "lampadaire"}}, true},
		{"a phrase", models.RuleConditions{Words: []string{"rue de l'eglise"}}, true},
		{"any word, none there", models.RuleConditions{Words: []string{"trottoir", "banc"}}, false},
		{"whole words only", models.RuleConditions{Words: []string{"lampe"}}, false},
		{"all words", models.RuleConditions{Words: []string{"Lampadaire", "ÉTEINT"}, AllWords: true}, true},
		{"all words, one missing", models.RuleConditions{Words: []string{"lampadaire", "cassé"}, AllWords: true}, false},
		{"sender's domain", models.RuleConditions{Domains: []string{"mairie.plassans.fr"}}, true},
		{"a domain above the sender's", models.RuleConditions{Domains: []string{"@Plassans.fr"}}, true},
		{"another domain", models.RuleConditions{Domains: []string{"ssans.fr", "exemple.fr"}}, false},
		{"every condition must hold", models.RuleConditions{Channels: []string{routing.ChannelWeb}, Words: []string{"banc"}}, false},
	} {
		if got := holds(tc.c); got != tc.want {
			t.Errorf("%s: holds = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFirstMatchActsAloneAllMatchesActInOrder(t *testing.T) {
	rows := []models.RoutingRule{
		{ID: 1, Name: "bancs", Enabled: true, Conditions: models.RuleConditions{Words: []string{"banc"}}},
		{ID: 2, Name: "éclairage", Enabled: true, Conditions: models.RuleConditions{Words: []string{"lampadaire"}}},
		{ID: 3, Name: "toutes", Enabled: true},
	}
	names := func(rs []*routing.Rule) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Name)
		}
		return out
	}
	if got := names(routing.NewSet(models.ModeFirst, rows).Evaluate(subject())); len(got) != 1 || got[0] != "éclairage" {
		t.Errorf("first match: %v, want [éclairage]", got)
	}
	if got := names(routing.NewSet(models.ModeAll, rows).Evaluate(subject())); len(got) != 2 || got[0] != "éclairage" || got[1] != "toutes" {
		t.Errorf("all matches: %v, want [éclairage toutes]", got)
	}
}
