package citizen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

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
	"number": "number", "choice": "select", "checkboxes": "checkboxes", "address": "text", "file": "file",
}

// An address is one line, so that a datalist can suggest the commune's
// streets (street-address is for a multi-line control).
var autocompletes = map[string]string{"email": "email", "phone": "tel", "address": "address-line1"}

// formState is what a demand's page shows instead of the stored data after a
// post: what was typed, the errors, and the outcome of file actions.
type formState struct {
	values     map[string]any    // nil: the stored data
	errs       map[string]string // by field name
	fileStatus map[string]string // by field name
}

// formField builds one question of the demand's form; suggest is where an
// address field fetches its street suggestions ("" for none).
func (s *Handlers) formField(base, suggest string, d *models.Demand, f models.Field, atts []models.Attachment, st formState) views.FormField {
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
		ff.Suggest = suggest
		ff.Value = oneLine(ff.Value)
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

// demandForm builds the form of a draft or of a correction. Its address
// fields suggest the commune's streets when it has imported some.
func (s *Handlers) demandForm(c *gin.Context, base string, d *models.Demand, p *models.Procedure, atts []models.Attachment, st formState) (*views.DemandForm, error) {
	suggest := ""
	if slices.ContainsFunc(p.Form, func(f models.Field) bool { return f.Type == "address" }) {
		has, err := models.HasStreets(c.Request.Context(), s.DB, d.CommuneID)
		if err != nil {
			return nil, err
		}
		if has {
			suggest = "/c/" + web.Commune(c).Slug + "/voies"
		}
	}
	form := &views.DemandForm{Action: base, Version: d.Version, Correction: d.State == workflow.CorrectionRequested}
	for _, f := range p.Form {
		form.Fields = append(form.Fields, s.formField(base, suggest, d, f, atts, st))
	}
	return form, nil
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
