package citizen

import (
	"fmt"
	"slices"

	"guichet/files"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// formState is what a demand's page shows instead of the stored data after a
// post: what was typed, the errors, and the outcome of file actions.
type formState struct {
	values     map[string]any    // nil: the stored data
	errs       map[string]string // by field name
	fileStatus map[string]string // by field name
}

// formField builds one question of the demand's form.
func (s *Handlers) formField(base string, d *models.Demand, p *models.Procedure, f models.Field, atts []models.Attachment, st formState) views.FormField {
	values := st.values
	if values == nil {
		values = d.Data
	}
	ff := s.FormField(p.Form, f, values, st.errs)
	ff.ToCorrect = d.State == workflow.CorrectionRequested && slices.Contains(d.CorrectionFields, f.Name)
	if f.Type == "file" {
		ff.Files = fileItems(base, atts, f.Name, workflow.CitizenMayEdit(d.State))
		ff.Status = st.fileStatus[f.Name]
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
		form.Fields = append(form.Fields, s.formField(base, d, p, f, atts, st))
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
