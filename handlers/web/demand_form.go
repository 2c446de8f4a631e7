package web

import (
	"context"
	"slices"
	"strings"

	"guichet/files"
	"guichet/forms"
	"guichet/models"
	"guichet/views"
)

// The citizen's form, as the draft page, the correction form and the
// editor's preview show it: one builder, so that the preview is the form.

// FieldID is the id of a procedure field's control. The prefix keeps a
// field named, say, "contenu" from taking the id of the page's main.
func FieldID(name string) string { return "champ-" + name }

// ErrorsByID turns errors by field name into errors by control id.
func ErrorsByID(errs map[string]string) views.FormErrors {
	out := views.FormErrors{}
	for name, msg := range errs {
		out[FieldID(name)] = msg
	}
	return out
}

// inputTypes maps a procedure field's type to the field partial's.
var inputTypes = map[string]string{
	"heading": "heading", "text": "text", "textarea": "textarea", "email": "email", "phone": "tel", "date": "date",
	"number": "number", "choice": "select", "checkboxes": "checkboxes", "checkbox": "checkbox", "period": "period",
	"address": "text", "file": "file",
}

// An address is one line, so that a datalist can suggest the commune's
// streets (street-address is for a multi-line control).
var autocompletes = map[string]string{"email": "email", "phone": "tel", "address": "address-line1"}

// StreetSuggestions is where the address fields of form fetch their street
// suggestions: the commune's suggestion endpoint when it has imported
// streets and form asks for an address, "" otherwise.
func (s *Base) StreetSuggestions(ctx context.Context, c *models.Commune, form []models.Field) (string, error) {
	if !slices.ContainsFunc(form, func(f models.Field) bool { return f.Type == "address" }) {
		return "", nil
	}
	has, err := models.HasStreets(ctx, s.DB, c.ID)
	if err != nil || !has {
		return "", err
	}
	return "/c/" + c.Slug + "/voies", nil
}

// FormField builds one question of a procedure's form with its value and
// error; a file question gets its limits, not its files (the caller's); an
// address its suggestions' endpoint, suggest ("" for none).
func (s *Base) FormField(form []models.Field, f models.Field, values map[string]any, errs map[string]string, suggest string) views.FormField {
	ff := views.FormField{
		Name: f.Name, ID: FieldID(f.Name), Label: f.Label, Type: inputTypes[f.Type], Help: f.Help,
		Required: f.Required || (f.Type == "checkboxes" && f.Min != nil && *f.Min > 0),
		Options:  f.Options, Autocomplete: autocompletes[f.Type], Rows: 5,
		Value: forms.InputValue(values[f.Name]), Error: errs[f.Name],
	}
	if f.Type == "choice" && f.Control == "radio" {
		ff.Type = "radio"
	}
	if c := f.ShowIf; c != nil {
		ff.ShowIf = &views.ShowIf{Name: c.Field, Value: c.Equals, Text: forms.ConditionText(form, f)}
	}
	switch f.Type {
	case "address":
		ff.Suggest = suggest
		ff.Value = oneLine(ff.Value)
	case "file":
		ff.Value = nil
		ff.MaxSize = s.Config.MaxFileSize
		ff.MaxSizeText = LimitSize(s.Config.MaxFileSize)
		ff.MaxFiles = FileCount(s.Config.MaxFilesPerField)
		ff.Accepted = files.AcceptedLabels()
		ff.Extensions = files.Extensions
	}
	return ff
}

// oneLine writes an address typed in the multi-line box address fields
// once were as one line, its lines apart: a browser would glue them.
func oneLine(v any) any {
	s, ok := v.(string)
	if !ok || !strings.ContainsAny(s, "\r\n") {
		return v
	}
	var lines []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, ", ")
}
