// Package forms reads procedure definitions (a procedure's text and its form)
// from YAML or JSON, checks them, and validates what citizens type into them.
package forms

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"

	"guichet/models"
	"guichet/validate"
	"guichet/workflow"
)

// Definition is a procedure as written in a YAML or JSON file.
type Definition struct {
	Slug        string         `yaml:"slug"`
	Title       string         `yaml:"title"`
	Description string         `yaml:"description"`
	Documents   []string       `yaml:"documents"`
	Fields      []models.Field `yaml:"fields"`
	// Variant names the lifecycle the procedure's demands follow
	// (workflow.Variants); empty: the standard one.
	Variant string `yaml:"variante"`
}

// DemandName names a demand made through the procedure titled title, after
// "votre" or "une": "demande d'occupation du domaine public" when the title
// already starts with "Demande" (not "demande « Demande d'occupation… »"),
// "demande « Signalement d'un dysfonctionnement »" otherwise. Every page and
// mail that names the citizen's demand by its procedure says it this way.
func DemandName(title string) string {
	const word = "demande "
	if len(title) > len(word) && strings.EqualFold(title[:len(word)], word) {
		return word + title[len(word):]
	}
	return "demande «\u00a0" + title + "\u00a0»"
}

// FieldTypes are the kinds of question a form may ask.
var FieldTypes = []string{"text", "textarea", "email", "phone", "date", "number", "choice", "checkboxes", "address", "file"}

var nameRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Parse reads one or several procedure definitions (a YAML list, or a single
// mapping; JSON is valid YAML) and checks them. Errors name the procedure and
// field at fault, in French, all at once.
func Parse(src []byte) ([]Definition, error) {
	var defs []Definition
	if err := unmarshal(src, &defs); err != nil {
		var one Definition
		if err1 := unmarshal(src, &one); err1 != nil {
			if errors.Is(err1, errYAMLCrash) {
				return nil, fmt.Errorf("fichier illisible : %w", err1)
			}
			return nil, fmt.Errorf("fichier illisible : %s", yaml.FormatError(err1, false, true))
		}
		defs = []Definition{one}
	}
	var problems []string
	slugs := map[string]bool{}
	for i, d := range defs {
		where := fmt.Sprintf("démarche n°%d", i+1)
		if d.Slug != "" {
			where = fmt.Sprintf("démarche « %s »", d.Slug)
		}
		for _, p := range d.check() {
			problems = append(problems, where+" : "+p)
		}
		if slugs[d.Slug] {
			problems = append(problems, where+" : identifiant (slug) en double dans le fichier")
		}
		slugs[d.Slug] = true
	}
	if len(defs) == 0 {
		problems = append(problems, "le fichier ne contient aucune démarche")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("définition invalide :\n- %s", strings.Join(problems, "\n- "))
	}
	return defs, nil
}

var errYAMLCrash = errors.New("ce n'est pas un YAML valide")

// unmarshal decodes strict YAML. goccy/go-yaml v1.19.2 (the newest) panics
// on some malformed input (a nil dereference on "!0 00"): that is a file it
// cannot read, not a crash of ours.
func unmarshal(src []byte, v any) (err error) {
	defer func() {
		if recover() != nil {
			err = errYAMLCrash
		}
	}()
	return yaml.UnmarshalWithOptions(src, v, yaml.Strict())
}

func (d Definition) check() []string {
	var ps []string
	if !validate.IsSlug(d.Slug) {
		ps = append(ps, "« slug » doit être fait de minuscules, chiffres et tirets (ex. : signalement-voirie)")
	}
	if strings.TrimSpace(d.Title) == "" {
		ps = append(ps, "« title » est obligatoire")
	}
	if len(d.Fields) == 0 {
		ps = append(ps, "le formulaire doit avoir au moins un champ (« fields »)")
	}
	if v, err := workflow.Variant(d.Variant); err != nil {
		ps = append(ps, err.Error())
	} else if err := v.Check(); err != nil {
		ps = append(ps, err.Error())
	}
	names := map[string]bool{}
	for i, f := range d.Fields {
		at := fmt.Sprintf("champ n°%d", i+1)
		if f.Name != "" {
			at = fmt.Sprintf("champ « %s »", f.Name)
		}
		if !nameRe.MatchString(f.Name) {
			ps = append(ps, at+" : « name » doit commencer par une lettre minuscule et ne contenir que minuscules, chiffres et _")
		}
		if names[f.Name] {
			ps = append(ps, at+" : nom en double")
		}
		names[f.Name] = true
		if strings.TrimSpace(f.Label) == "" {
			ps = append(ps, at+" : « label » est obligatoire")
		}
		if !slices.Contains(FieldTypes, f.Type) {
			ps = append(ps, fmt.Sprintf("%s : type « %s » inconnu (types possibles : %s)", at, f.Type, strings.Join(FieldTypes, ", ")))
		}
		ps = append(ps, checkRules(at, f)...)
		if f.NotBefore != "" && !slices.ContainsFunc(d.Fields[:i], func(s models.Field) bool { return s.Name == f.NotBefore && s.Type == "date" }) {
			ps = append(ps, at+" : « not_before » doit nommer un champ de type date placé avant lui (le début de la période)")
		}
	}
	return ps
}

// checkRules checks the type-specific rules of a field: each rule must make
// sense for the field's type, and the rules must agree with each other.
func checkRules(at string, f models.Field) []string {
	var ps []string
	choices := f.Type == "choice" || f.Type == "checkboxes"
	switch {
	case choices && len(f.Options) == 0:
		ps = append(ps, at+" : une liste de choix doit avoir des « options »")
	case !choices && len(f.Options) > 0:
		ps = append(ps, at+" : « options » ne s'applique qu'aux types choice et checkboxes")
	}
	seen := map[string]bool{}
	for _, o := range f.Options {
		if strings.TrimSpace(o) == "" {
			ps = append(ps, at+" : une option est vide")
		} else if seen[o] {
			ps = append(ps, fmt.Sprintf("%s : option « %s » en double", at, o))
		}
		seen[o] = true
	}
	if (f.Min != nil || f.Max != nil) && f.Type != "number" && f.Type != "checkboxes" {
		ps = append(ps, at+" : « min » et « max » ne s'appliquent qu'aux types number et checkboxes")
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		ps = append(ps, at+" : « min » est plus grand que « max »")
	}
	if f.Type == "checkboxes" {
		for _, b := range []*float64{f.Min, f.Max} {
			if b != nil && (*b < 0 || *b != float64(int(*b)) || int(*b) > len(f.Options)) {
				ps = append(ps, fmt.Sprintf("%s : pour des cases à cocher, « min » et « max » sont des nombres de cases, entre 0 et %d", at, len(f.Options)))
				break
			}
		}
	}
	if f.MaxLen != 0 && !slices.Contains([]string{"text", "textarea", "address", "email", "phone"}, f.Type) {
		ps = append(ps, at+" : « max_length » ne s'applique qu'aux champs de texte")
	}
	if f.NotBefore != "" && f.Type != "date" {
		ps = append(ps, at+" : « not_before » ne s'applique qu'aux dates")
	}
	if f.MaxLen < 0 {
		ps = append(ps, at+" : « max_length » doit être positif")
	}
	return ps
}

// Procedure turns a definition into a procedure row of a commune.
func (d Definition) Procedure(communeID int64) *models.Procedure {
	docs := d.Documents
	if docs == nil {
		docs = []string{}
	}
	return &models.Procedure{
		CommuneID: communeID, Slug: d.Slug, Title: d.Title, Description: d.Description,
		Documents: docs, Form: d.Fields, Variant: d.Variant, Active: true,
	}
}
