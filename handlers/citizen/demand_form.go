package citizen

import (
	"fmt"
	"slices"

	"guichet/files"
	"guichet/forms"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// fieldID is the id of a procedure field's control. The prefix keeps a
// field named, say, "contenu" from taking the id of the page's main.
func fieldID(name string) string { return "champ-" + name }

// byID turns errors by field name into errors by control id.
func byID(errs map[string]string) views.FormErrors {
	out := views.FormErrors{}
	for name, msg := range errs {
		out[fieldID(name)] = msg
	}
	return out
}

// inputTypes maps a procedure field's type to the field partial's.
var inputTypes = map[string]string{
	"text": "text", "textarea": "textarea", "email": "email", "phone": "tel", "date": "date",
	"number": "number", "choice": "select", "checkboxes": "checkboxes", "address": "textarea", "file": "file",
}

var autocompletes = map[string]string{"email": "email", "phone": "tel", "address": "street-address"}

// formState is what a demand's page shows instead of the stored data after a
// post: what was typed, the errors, and the outcome of file actions.
type formState struct {
	values     map[string]any    // nil: the stored data
	errs       map[string]string // by field name
	fileStatus map[string]string // by field name
	// What was typed in "Écrire à la mairie", and its refusals by control id.
	message     string
	messageErrs views.FormErrors
}

// formField builds one question of the demand's form.
func (s *Handlers) formField(base string, d *models.Demand, f models.Field, atts []models.Attachment, st formState) views.FormField {
	values := st.values
	if values == nil {
		values = d.Data
	}
	ff := views.FormField{
		Name: f.Name, ID: fieldID(f.Name), Label: f.Label, Type: inputTypes[f.Type], Help: f.Help,
		Required: f.Required || (f.Type == "checkboxes" && f.Min != nil && *f.Min > 0),
		Options:  f.Options, Autocomplete: autocompletes[f.Type], Rows: 5,
		Value: forms.InputValue(values[f.Name]), Error: st.errs[f.Name],
		ToCorrect: d.State == workflow.CorrectionRequested && slices.Contains(d.CorrectionFields, f.Name),
	}
	if f.Type == "address" {
		ff.Rows = 3
	}
	if f.Type == "file" {
		ff.Value = nil
		ff.Files = fileItems(base, atts, f.Name, workflow.CitizenMayEdit(d.State))
		ff.Status = st.fileStatus[f.Name]
		ff.MaxSize = s.Config.MaxFileSize
		ff.MaxSizeText = web.LimitSize(s.Config.MaxFileSize)
		ff.MaxFiles = web.FileCount(s.Config.MaxFilesPerField)
		ff.Accepted = files.AcceptedLabels()
		ff.Extensions = files.Extensions
		if workflow.CitizenMayEdit(d.State) {
			ff.UploadURL = base + "/pieces"
		}
	}
	return ff
}

// demandForm builds the form of a draft or of a correction.
func (s *Handlers) demandForm(base string, d *models.Demand, p *models.Procedure, atts []models.Attachment, st formState) *views.DemandForm {
	form := &views.DemandForm{Action: base, Version: d.Version, Correction: d.State == workflow.CorrectionRequested}
	for _, f := range p.Form {
		form.Fields = append(form.Fields, s.formField(base, d, f, atts, st))
	}
	return form
}

func fileItems(base string, atts []models.Attachment, field string, removable bool) []views.FileItem {
	var out []views.FileItem
	for _, a := range atts {
		if a.Field != field {
			continue
		}
		k, _ := files.KindOf(a.ContentType)
		it := views.FileItem{ID: a.ID, Name: a.Filename, Size: a.Size, Type: k.Label, URL: fmt.Sprintf("%s/pieces/%d", base, a.ID)}
		if k.Inline {
			it.Preview = it.URL + "?apercu=1"
		}
		if removable {
			it.RemoveURL = it.URL + "/supprimer"
		}
		out = append(out, it)
	}
	return out
}
