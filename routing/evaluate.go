// Package routing is a commune's routing rules: ordered rules, each
// conditions → actions, in sets whose mode says whether the first matching
// rule acts alone or every one does. Evaluation is pure (a Set and a
// Subject, no database); the Manager loads the rules, runs them when a
// demand is submitted or when an agent asks, applies their actions through
// the workflow and history, and previews a rule before it is saved, with
// the very same evaluation.
package routing

import (
	"slices"
	"strings"

	"guichet/models"
	"guichet/streets"
)

// Subject is what rules are evaluated on: a demand (DemandSubject) or a
// conversation (ConversationSubject); a condition on what the subject does
// not have (a form field, for a conversation) does not hold.
type Subject struct {
	Channel     string // Channels' codes
	ProcedureID int64  // 0: none
	// Motifs are the subject's motif and every motif above it: a condition
	// on a motif holds for the motifs below it.
	Motifs []int64
	// Values are the form's answers by field name, each as texts.
	Values map[string][]string
	// Text is what the subject says: the form's answers, a message's body.
	Text string
	// SenderDomain is the domain of the sender's e-mail address.
	SenderDomain string
	// Tags are the names of the subject's tags.
	Tags []string
}

// Channels are the ways a subject comes in, by code, with their French label.
var Channels = []struct{ Code, Label string }{
	{ChannelWeb, "Portail en ligne"},
	{"email", "E-mail"},
	{"telephone", "Téléphone"},
	{"guichet", "Accueil en mairie"},
}

// ChannelWeb is the portal's channel: every demand's.
const ChannelWeb = "web"

// Field criteria's operators.
const (
	OpEquals   = "equals"
	OpContains = "contains"
	OpOneOf    = "one_of"
)

// Rule is a rule ready to evaluate: its row, and its texts folded once.
type Rule struct {
	models.RoutingRule
	words   []string   // " word " or " two words ", folded
	fields  [][]string // per field criteria, its values folded
	domains []string   // lower case, without "@"
	tags    []string   // folded
}

// Set is a rule set ready to evaluate.
type Set struct {
	Mode     string
	Rules    []Rule
	revision int64 // the stored set's, when the Manager keeps it
}

// NewSet prepares rows (in their order) for evaluation.
func NewSet(mode string, rows []models.RoutingRule) *Set {
	s := &Set{Mode: mode, Rules: make([]Rule, len(rows))}
	for i, r := range rows {
		s.Rules[i] = compile(r)
	}
	return s
}

func compile(r models.RoutingRule) Rule {
	c := Rule{RoutingRule: r}
	for _, w := range r.Conditions.Words {
		if f := streets.Fold(w); f != "" {
			c.words = append(c.words, " "+f+" ")
		}
	}
	for _, fc := range r.Conditions.Fields {
		vs := make([]string, 0, len(fc.Values))
		for _, v := range fc.Values {
			vs = append(vs, streets.Fold(v))
		}
		c.fields = append(c.fields, vs)
	}
	for _, d := range r.Conditions.Domains {
		c.domains = append(c.domains, normalDomain(d))
	}
	for _, t := range r.Conditions.Tags {
		c.tags = append(c.tags, streets.Fold(t))
	}
	return c
}

func normalDomain(d string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "@")
}

// folded is a subject as conditions read it: its texts folded once.
type folded struct {
	Subject
	text   string              // " every word of the text "
	values map[string][]string // folded
	domain string
	tags   []string // folded
}

func fold(s Subject) *folded {
	f := &folded{Subject: s, text: " " + streets.Fold(s.Text) + " ", values: make(map[string][]string, len(s.Values)),
		domain: normalDomain(s.SenderDomain)}
	for _, t := range s.Tags {
		f.tags = append(f.tags, streets.Fold(t))
	}
	for k, vs := range s.Values {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = streets.Fold(v)
		}
		f.values[k] = out
	}
	return f
}

// Evaluate gives the rules of the set that act on the subject, in order:
// the first that matches in mode "first", every one in mode "all".
func (s *Set) Evaluate(sub Subject) []*Rule {
	if len(s.Rules) == 0 {
		return nil
	}
	f := fold(sub)
	var out []*Rule
	for i := range s.Rules {
		r := &s.Rules[i]
		if !r.matches(f) {
			continue
		}
		out = append(out, r)
		if s.Mode != models.ModeAll {
			break
		}
	}
	return out
}

// Matches tells whether every condition of the rule holds for the subject.
func (r *Rule) Matches(sub Subject) bool { return r.matches(fold(sub)) }

func (r *Rule) matches(s *folded) bool {
	c := &r.Conditions
	if len(c.Channels) > 0 && !contains(c.Channels, s.Channel) {
		return false
	}
	if len(c.Procedures) > 0 && !contains(c.Procedures, s.ProcedureID) {
		return false
	}
	if c.MotifID != 0 && !contains(s.Motifs, c.MotifID) {
		return false
	}
	for i, fc := range c.Fields {
		if !fieldHolds(fc.Op, s.values[fc.Field], r.fields[i]) {
			return false
		}
	}
	if len(r.words) > 0 && !wordsHold(s.text, r.words, c.AllWords) {
		return false
	}
	if len(r.domains) > 0 && !domainHolds(s.domain, r.domains) {
		return false
	}
	if len(r.tags) > 0 && !slices.ContainsFunc(r.tags, func(t string) bool { return contains(s.tags, t) }) {
		return false
	}
	return true
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// fieldHolds: equals, the first wanted value; one_of, any of them;
// contains, the value holds the first one. A field of several values
// (checkboxes) holds when one of them does.
func fieldHolds(op string, have, want []string) bool {
	if len(want) == 0 {
		return false
	}
	for _, h := range have {
		switch op {
		case OpEquals:
			if h == want[0] {
				return true
			}
		case OpOneOf:
			if contains(want, h) {
				return true
			}
		case OpContains:
			if strings.Contains(h, want[0]) {
				return true
			}
		}
	}
	return false
}

// wordsHold: words (or phrases) of the text, whole, accents and case aside.
func wordsHold(text string, words []string, all bool) bool {
	for _, w := range words {
		found := strings.Contains(text, w)
		if found && !all {
			return true
		}
		if !found && all {
			return false
		}
	}
	return all
}

// domainHolds: the domain, or one below it (a rule on "plassans.fr"
// holds for "mairie.plassans.fr").
func domainHolds(domain string, want []string) bool {
	for _, w := range want {
		if domain == w || strings.HasSuffix(domain, "."+w) {
			return true
		}
	}
	return false
}
