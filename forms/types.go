package forms

import (
	"fmt"
	"slices"
	"strings"

	"guichet/models"
)

// Type is what a kind of question is: the one place that says which
// attributes apply to it. Checking a definition (check), reading a post
// (Read, Missing), showing a value (Display) and the editor's type list all
// read it.
type Type struct {
	Label   string // French, in the editor's list
	Valued  bool   // false: a heading, which asks nothing
	Options bool   // choice among Options
	Bounds  bool   // Min and Max apply (a number's value, a count of boxes)
	MaxLen  int    // default max_length of a text; 0: not a text
	Shows   bool   // a condition may name it (its values are a known list)
}

// Types are the kinds of question a form may ask, by name.
var Types = map[string]Type{
	"heading":    {Label: "Titre de section"},
	"text":       {Label: "Texte court", Valued: true, MaxLen: 500},
	"textarea":   {Label: "Texte long", Valued: true, MaxLen: 10000},
	"choice":     {Label: "Choix dans une liste", Valued: true, Options: true, Shows: true},
	"checkboxes": {Label: "Choix multiple (cases à cocher)", Valued: true, Options: true, Bounds: true, Shows: true},
	"checkbox":   {Label: "Case à cocher unique (oui ou non)", Valued: true, Shows: true},
	"date":       {Label: "Date", Valued: true},
	"period":     {Label: "Période (date de début et date de fin)", Valued: true},
	"number":     {Label: "Nombre", Valued: true, Bounds: true},
	"email":      {Label: "Adresse e-mail", Valued: true, MaxLen: 254},
	"phone":      {Label: "Téléphone", Valued: true, MaxLen: 30},
	"address":    {Label: "Adresse postale", Valued: true, MaxLen: 1000},
	"file":       {Label: "Fichier joint", Valued: true},
}

// TypeNames lists the types in the editor's order.
var TypeNames = []string{"heading", "text", "textarea", "choice", "checkboxes", "checkbox", "date", "period", "number", "email", "phone", "address", "file"}

// Controls are the ways a choice may be shown.
var Controls = []string{"select", "radio"}

// Checked is the value of a ticked single checkbox.
const Checked = "oui"

// Problem is one mistake in a definition: where it is and what is wrong, in
// French. The editor shows it beside the input at fault, the YAML import
// names the field and the attribute.
type Problem struct {
	Field int    // index of the field at fault; -1: the procedure itself
	Attr  string // the attribute at fault, as the YAML names it (slug, name, options…)
	Msg   string
}

// checkField checks one field against the fields before it.
func checkField(f models.Field, before []models.Field) []Problem {
	var ps []Problem
	add := func(attr, format string, args ...any) {
		ps = append(ps, Problem{Attr: attr, Msg: fmt.Sprintf(format, args...)})
	}
	t, known := Types[f.Type]
	if !known {
		add("type", "type « %s » inconnu (types possibles : %s)", f.Type, strings.Join(TypeNames, ", "))
	}
	if f.Type != "heading" || f.Name != "" {
		if !nameRe.MatchString(f.Name) {
			add("name", "le nom doit commencer par une lettre minuscule et ne contenir que minuscules, chiffres et _ (ex. : date_debut)")
		} else if slices.ContainsFunc(before, func(b models.Field) bool { return b.Name == f.Name }) {
			add("name", "nom « %s » déjà pris par un autre champ", f.Name)
		}
	}
	if strings.TrimSpace(f.Label) == "" {
		add("label", "le libellé est obligatoire")
	}
	if !known {
		return ps
	}
	switch {
	case t.Options && len(f.Options) == 0:
		add("options", "une liste de choix doit avoir des options")
	case !t.Options && len(f.Options) > 0:
		add("options", "les options ne s'appliquent qu'aux listes de choix (choice, checkboxes)")
	}
	seen := map[string]bool{}
	for _, o := range f.Options {
		if strings.TrimSpace(o) == "" {
			add("options", "une option est vide")
		} else if seen[o] {
			add("options", "option « %s » en double", o)
		}
		seen[o] = true
	}
	if f.Control != "" && (f.Type != "choice" || !slices.Contains(Controls, f.Control)) {
		add("control", "la présentation (select ou radio) ne s'applique qu'aux choix dans une liste")
	}
	if (f.Min != nil || f.Max != nil) && !t.Bounds {
		add("min", "les bornes (min, max) ne s'appliquent qu'aux nombres et aux choix multiples")
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		add("max", "le maximum est plus petit que le minimum")
	}
	if f.Type == "checkboxes" {
		for i, b := range []*float64{f.Min, f.Max} {
			attr := [2]string{"min", "max"}[i]
			if b != nil && (*b < 0 || *b != float64(int(*b)) || int(*b) > len(f.Options)) {
				add(attr, "pour un choix multiple, les bornes sont des nombres de cases, entre 0 et %d", len(f.Options))
			}
		}
	}
	if f.MaxLen != 0 && t.MaxLen == 0 {
		add("max_length", "la longueur maximale ne s'applique qu'aux champs de texte")
	}
	if f.MaxLen < 0 {
		add("max_length", "la longueur maximale doit être positive")
	}
	if f.Type == "heading" && (f.Required || f.Help != "") {
		add("required", "un titre de section ne demande rien : il n'est ni obligatoire ni accompagné d'aide")
	}
	if f.ShowIf != nil {
		ps = append(ps, checkCondition(*f.ShowIf, before)...)
	}
	return ps
}

// checkCondition checks that a condition names an earlier field whose
// values are a known list, and one of those values.
func checkCondition(c models.Condition, before []models.Field) []Problem {
	i := slices.IndexFunc(before, func(b models.Field) bool { return b.Name == c.Field && c.Field != "" })
	if i < 0 {
		return []Problem{{Attr: "show_if", Msg: fmt.Sprintf("la condition doit nommer un champ placé avant celui-ci (« %s » n'en est pas un)", c.Field)}}
	}
	t := before[i]
	switch {
	case !Types[t.Type].Shows:
		return []Problem{{Attr: "show_if", Msg: fmt.Sprintf("la condition doit porter sur un choix ou une case à cocher, pas sur « %s »", t.Label)}}
	case t.Type == "checkbox" && c.Equals != Checked:
		return []Problem{{Attr: "show_if", Msg: fmt.Sprintf("pour la case « %s », la valeur de la condition est « %s » (cochée)", t.Label, Checked)}}
	case t.Type != "checkbox" && !slices.Contains(t.Options, c.Equals):
		return []Problem{{Attr: "show_if", Msg: fmt.Sprintf("« %s » n'est pas une des options de « %s »", c.Equals, t.Label)}}
	}
	return nil
}

// Shown tells, field by field, whether a form shows it for the answers
// data: a field with a condition is shown when the field it names is shown
// and has the value.
func Shown(fields []models.Field, data map[string]any) []bool {
	shown := make([]bool, len(fields))
	byName := map[string]int{}
	for i, f := range fields {
		shown[i] = true
		if c := f.ShowIf; c != nil {
			j, ok := byName[c.Field]
			shown[i] = ok && shown[j] && holds(data[c.Field], c.Equals)
		}
		if f.Name != "" {
			byName[f.Name] = i
		}
	}
	return shown
}

func holds(v any, equals string) bool {
	switch v := v.(type) {
	case string:
		return v == equals
	case []any:
		return slices.Contains(v, any(equals))
	}
	return false
}

// Answered lists the questions whose answers a page shows: valued and
// shown, in the form's order.
func Answered(fields []models.Field, data map[string]any) []models.Field {
	var out []models.Field
	for i, shown := range Shown(fields, data) {
		if shown && Types[fields[i].Type].Valued {
			out = append(out, fields[i])
		}
	}
	return out
}

// Valued lists the questions that ask something (every field but headings).
func Valued(fields []models.Field) []models.Field {
	var out []models.Field
	for _, f := range fields {
		if Types[f.Type].Valued {
			out = append(out, f)
		}
	}
	return out
}

// ConditionText spells a field's condition out, for a page read without
// JavaScript (where every field shows): "À remplir si « Type » vaut « Éclairage »."
func ConditionText(fields []models.Field, f models.Field) string {
	c := f.ShowIf
	if c == nil {
		return ""
	}
	i := slices.IndexFunc(fields, func(b models.Field) bool { return b.Name == c.Field })
	if i < 0 {
		return ""
	}
	t := fields[i]
	switch t.Type {
	case "checkbox":
		return fmt.Sprintf("À remplir si la case « %s » est cochée.", t.Label)
	case "checkboxes":
		return fmt.Sprintf("À remplir si « %s » comprend « %s ».", t.Label, c.Equals)
	}
	return fmt.Sprintf("À remplir si « %s » vaut « %s ».", t.Label, c.Equals)
}
