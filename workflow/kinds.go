package workflow

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"guichet/history"
	"guichet/models"
)

// History kinds the workflow writes besides its events'.
const (
	// KindNote is an internal note.
	KindNote = "note"
	// KindFileAdded is a file the accueil or a service added to a demand:
	// internal, like a note.
	KindFileAdded = "file_added"
)

func init() {
	for _, d := range Variants {
		d.RegisterKinds()
	}
	history.Register(history.Kind{Name: KindNote, Agent: history.Fixed("Note interne")})
	history.Register(history.Kind{Name: KindFileAdded, Agent: history.Fixed("Fichier joint")})
}

// RegisterKinds registers the history kind of each of the definition's
// events not registered yet, with the transition's wording: public when it
// has a wording for the citizen.
func (d *Definition) RegisterKinds() {
	for _, t := range d.Transitions {
		if history.Registered(string(t.Event)) {
			continue
		}
		k := history.Kind{Name: string(t.Event), Agent: byRule(worded(t.Internal))}
		if t.Public != "" {
			k.Citizen = worded(t.Public)
		}
		history.Register(k)
	}
}

// worded fills a transition's wording for one entry: "{service}" is the
// service a transfer went to. For agents, an event a routing rule fired
// names the rule: "Règle « Éclairage → Voirie » : transmise au service Voirie".
func worded(s string) func(models.Event) string {
	return func(e models.Event) string {
		name, ok := e.Details["service"].(string)
		if !ok {
			name = "compétent"
		}
		return strings.ReplaceAll(s, "{service}", name)
	}
}

// byRule prefixes an agent's wording with the rule that fired the event.
func byRule(word func(models.Event) string) func(models.Event) string {
	return func(e models.Event) string {
		text := word(e)
		if rule, ok := e.Details["rule"].(string); ok && rule != "" {
			return RuleWording(rule, text)
		}
		return text
	}
}

// RuleWording is an automatic action's history line: the rule, then what
// it did, as the entry's own kind words it.
func RuleWording(rule, text string) string {
	if r, size := utf8.DecodeRuneInString(text); size > 0 {
		text = string(unicode.ToLower(r)) + text[size:]
	} else {
		text = "action automatique"
	}
	if rule == "" {
		return "Règle d'orientation : " + text
	}
	return "Règle « " + rule + " » : " + text
}
