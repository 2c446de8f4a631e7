package forms

import (
	"cmp"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"guichet/models"
	"guichet/workflow"
)

// Editor is a procedure as the browser's editor holds it: every input as
// typed, so that a post that cannot be saved (or that only adds or moves a
// field) comes back with nothing lost.
type Editor struct {
	Slug, Title, Description, Documents, Variant string
	// Motif is the default motif's path ("" for none).
	Motif string
	// Silence is a calendar.Silence; DelayN and DelayUnit its delay.
	Silence, DelayN, DelayUnit string
	Fields                     []EditorField
}

// EditorField is one field of the editor, as typed.
type EditorField struct {
	Type, Name, Label, Help, Options, Control string
	Min, Max, MaxLen                          string
	IfField, IfValue                          string
	Required                                  bool
}

// EditorOf is a definition in the editor.
func EditorOf(d Definition) Editor {
	e := Editor{Slug: d.Slug, Title: d.Title, Description: d.Description, Documents: strings.Join(d.Documents, "\n"),
		Motif: d.Motif, Variant: cmp.Or(d.Variant, workflow.Standard.Name), Silence: string(d.silence())}
	dl := d.delay()
	e.DelayN, e.DelayUnit = strconv.Itoa(dl.N), string(dl.Unit)
	num := func(p *float64) string {
		if p == nil {
			return ""
		}
		return FormatNumber(*p)
	}
	for _, f := range d.Fields {
		ef := EditorField{Type: f.Type, Name: f.Name, Label: f.Label, Help: f.Help, Options: strings.Join(f.Options, "\n"),
			Control: f.Control, Min: num(f.Min), Max: num(f.Max), Required: f.Required}
		if f.MaxLen != 0 {
			ef.MaxLen = strconv.Itoa(f.MaxLen)
		}
		if f.ShowIf != nil {
			ef.IfField, ef.IfValue = f.ShowIf.Field, f.ShowIf.Equals
		}
		e.Fields = append(e.Fields, ef)
	}
	return e
}

// EditorInput names the input of field i's attribute attr: "f2-label".
// It is the input's id too, the one its errors are keyed by.
func EditorInput(i int, attr string) string { return fmt.Sprintf("f%d-%s", i, attr) }

// maxEditorFields bounds a form's fields (a post names their count).
const maxEditorFields = 200

// ReadEditor reads the editor's post.
func ReadEditor(v url.Values) Editor {
	get := func(k string) string { return Clean(strings.TrimSpace(strings.ReplaceAll(v.Get(k), "\r\n", "\n"))) }
	e := Editor{Slug: get("slug"), Title: get("titre"), Description: get("description"), Documents: get("documents"),
		Motif: get("motif"), Variant: get("variante"), Silence: get("silence"), DelayN: get("delai_nombre"), DelayUnit: get("delai_unite")}
	n, _ := strconv.Atoi(v.Get("champs"))
	for i := range min(max(n, 0), maxEditorFields) {
		in := func(attr string) string { return get(EditorInput(i, attr)) }
		e.Fields = append(e.Fields, EditorField{Type: in("type"), Name: in("name"), Label: in("label"), Help: in("help"),
			Options: in("options"), Control: in("control"), Min: in("min"), Max: in("max"), MaxLen: in("max_length"),
			IfField: in("si_champ"), IfValue: in("si_valeur"), Required: in("required") != ""})
	}
	return e
}

// Apply runs an editor's button that changes the form's layout: "ajouter"
// (a field of type typ at the end), "monter:i", "descendre:i", "retirer:i".
// It reports false for anything else.
func (e *Editor) Apply(op, typ string) bool {
	verb, arg, _ := strings.Cut(op, ":")
	i, err := strconv.Atoi(arg)
	in := err == nil && i >= 0 && i < len(e.Fields)
	switch {
	case verb == "ajouter":
		if _, ok := Types[typ]; !ok {
			typ = "text"
		}
		e.Fields = append(e.Fields, EditorField{Type: typ})
	case verb == "monter" && in && i > 0:
		e.Fields[i-1], e.Fields[i] = e.Fields[i], e.Fields[i-1]
	case verb == "descendre" && in && i < len(e.Fields)-1:
		e.Fields[i+1], e.Fields[i] = e.Fields[i], e.Fields[i+1]
	case verb == "retirer" && in:
		e.Fields = slices.Delete(e.Fields, i, i+1)
	default:
		return false
	}
	return true
}

// Definition turns the editor's input into a definition and checks it. The
// errors are keyed by the input at fault (EditorInput, or the procedure's
// own: slug, titre, variante, champs), in French, naming the field.
func (e Editor) Definition() (Definition, map[string]string) {
	errs := map[string]string{}
	d := Definition{Slug: e.Slug, Title: e.Title, Description: e.Description, Motif: e.Motif, Variant: standardUnsaid(e.Variant), Silence: e.Silence}
	if e.DelayN != "" {
		d.Delay = e.DelayN + " " + e.DelayUnit
	}
	d.Documents = lines(e.Documents)
	for i, ef := range e.Fields {
		// The inputs of the attributes the type does not have are left over
		// from another type: dropped, as the editor no longer shows them.
		t := Types[ef.Type]
		f := models.Field{Type: ef.Type, Name: ef.Name, Label: ef.Label, Help: ef.Help, Required: ef.Required}
		if t.Options {
			f.Options = lines(ef.Options)
		}
		if ef.Type == "choice" && ef.Control != "select" {
			f.Control = ef.Control
		}
		if !t.Bounds {
			ef.Min, ef.Max = "", ""
		}
		for _, b := range []struct {
			attr, raw string
			dst       **float64
		}{{"min", ef.Min, &f.Min}, {"max", ef.Max, &f.Max}} {
			if b.raw == "" {
				continue
			}
			n, err := strconv.ParseFloat(strings.ReplaceAll(b.raw, ",", "."), 64)
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
				errs[EditorInput(i, b.attr)] = fieldAt(i, ef.Label) + " : la borne doit être un nombre, par exemple 12 ou 12,5."
				continue
			}
			*b.dst = &n
		}
		if ef.MaxLen != "" && Types[ef.Type].MaxLen > 0 {
			n, err := strconv.Atoi(ef.MaxLen)
			if err != nil || n <= 0 {
				errs[EditorInput(i, "max_length")] = fieldAt(i, ef.Label) + " : la longueur maximale doit être un nombre entier de caractères."
			}
			f.MaxLen = n
		}
		if ef.IfField != "" {
			f.ShowIf = &models.Condition{Field: ef.IfField, Equals: ef.IfValue}
		}
		d.Fields = append(d.Fields, f)
	}
	inputs := map[string]string{"slug": "slug", "title": "titre", "variante": "variante", "fields": "champs-type",
		"silence": "silence", "delai": "delai_nombre", "motif": "motif"}
	attrs := map[string]string{"show_if": "si_champ", "control": "control"}
	for _, p := range d.Problems() {
		id, msg := inputs[p.Attr], Sentence(p.Msg)
		if p.Field >= 0 {
			attr := p.Attr
			if a, ok := attrs[attr]; ok {
				attr = a
			}
			id, msg = EditorInput(p.Field, attr), fieldAt(p.Field, d.Fields[p.Field].Label)+" : "+p.Msg+"."
		}
		if errs[id] == "" {
			errs[id] = msg
		}
	}
	return d, errs
}

// fieldAt names field i for a message: "Champ 3 (« Nom »)".
func fieldAt(i int, label string) string {
	if label == "" {
		return fmt.Sprintf("Champ %d", i+1)
	}
	return fmt.Sprintf("Champ %d (« %s »)", i+1, label)
}

// Sentence is a problem's message as a sentence of its own.
func Sentence(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	return string(unicode.ToUpper(r)) + msg[n:] + "."
}

// lines splits a text into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
