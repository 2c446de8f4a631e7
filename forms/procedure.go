// Package forms reads procedure definitions (a procedure's text and its form)
// from YAML or JSON, checks them, and validates what citizens type into them.
package forms

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"

	"guichet/calendar"
	"guichet/models"
	"guichet/validate"
	"guichet/workflow"
)

// Definition is a procedure as written in a YAML or JSON file.
type Definition struct {
	Slug        string   `yaml:"slug"`
	Title       string   `yaml:"title"`
	Description string   `yaml:"description,omitempty"`
	Documents   []string `yaml:"documents,omitempty"`
	// Motif is the default motif of its demands, by its path in the
	// commune's tree, "Thème / Motif / Sous-motif": created on import if
	// the commune has none of that path.
	Motif string `yaml:"motif,omitempty"`
	// Silence is what the commune's silence means: acceptation, rejet or
	// aucune (empty: aucune); Delay, after how long ("2 mois").
	Silence string         `yaml:"silence,omitempty"`
	Delay   string         `yaml:"delai,omitempty"`
	Fields  []models.Field `yaml:"fields"`
	// Variant names the lifecycle the procedure's demands follow
	// (workflow.Variants); empty: the standard one.
	Variant string `yaml:"variante,omitempty"`
}

// DefinitionOf is a procedure's version as a file says it (the standard
// lifecycle unsaid), its motif named by its path in the commune's tree.
func DefinitionOf(p *models.Procedure, motifs models.MotifTree) Definition {
	d := Definition{Slug: p.Slug, Title: p.Title, Description: p.Description, Documents: p.Documents,
		Motif: motifs.PathOf(p.MotifID), Fields: p.Form, Variant: standardUnsaid(p.Variant)}
	if p.Silence != calendar.SilenceNone && p.Silence != "" {
		d.Silence, d.Delay = string(p.Silence), FormatDelay(p.Delay())
	}
	return d
}

func standardUnsaid(variant string) string {
	if variant == workflow.Standard.Name {
		return ""
	}
	return variant
}

// Export writes definitions as the file Parse reads (a YAML list).
func Export(defs []Definition) ([]byte, error) {
	return yaml.MarshalWithOptions(defs, yaml.UseLiteralStyleIfMultiline(true))
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

// Problems lists the definition's mistakes, in French, in the form's order.
func (d Definition) Problems() []Problem {
	var ps []Problem
	add := func(attr, msg string) { ps = append(ps, Problem{Field: -1, Attr: attr, Msg: msg}) }
	if !validate.IsSlug(d.Slug) {
		add("slug", "l'identifiant doit être fait de minuscules, chiffres et tirets (ex. : signalement-voirie)")
	}
	if strings.TrimSpace(d.Title) == "" {
		add("title", "le titre est obligatoire")
	}
	if len(d.Fields) == 0 {
		add("fields", "le formulaire doit avoir au moins un champ")
	}
	ps = append(ps, d.legalProblems()...)
	if v, err := workflow.Variant(d.Variant); err != nil {
		add("variante", err.Error())
	} else if err := v.Check(); err != nil {
		add("variante", err.Error())
	}
	for i, f := range d.Fields {
		for _, p := range checkField(f, d.Fields[:i]) {
			p.Field = i
			ps = append(ps, p)
		}
	}
	return ps
}

// check words the definition's problems for a file: each names its field
// and attribute.
func (d Definition) check() []string {
	var out []string
	for _, p := range d.Problems() {
		if p.Field < 0 {
			out = append(out, p.Msg) // each says what it is about
			continue
		}
		f := d.Fields[p.Field]
		at := fmt.Sprintf("champ n°%d", p.Field+1)
		if f.Name != "" {
			at = fmt.Sprintf("champ « %s »", f.Name)
		}
		out = append(out, fmt.Sprintf("%s, « %s » : %s", at, p.Attr, p.Msg))
	}
	return out
}

// Procedure turns a definition into a procedure row of a commune.
func (d Definition) Procedure(communeID int64) *models.Procedure {
	docs := d.Documents
	if docs == nil {
		docs = []string{}
	}
	dl := d.delay()
	return &models.Procedure{CommuneID: communeID, Slug: d.Slug, ProcedureVersion: models.ProcedureVersion{
		Title: d.Title, Description: d.Description, Documents: docs, MotifPath: strings.Join(models.ParsePath(d.Motif), models.PathSeparator),
		Form: d.Fields, Variant: d.Variant, Silence: d.silence(), DelayN: dl.N, DelayUnit: dl.Unit,
	}}
}
