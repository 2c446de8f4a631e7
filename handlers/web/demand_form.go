package web

import (
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
	"address": "textarea", "file": "file",
}

var autocompletes = map[string]string{"email": "email", "phone": "tel", "address": "street-address"}

// FormField builds one question of a procedure's form with its value and
// error; a file question gets its limits, not its files (the caller's).
func (s *Base) FormField(form []models.Field, f models.Field, values map[string]any, errs map[string]string) views.FormField {
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
		ff.Rows = 3
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
