package citizen

import (
	"fmt"
	"slices"

	"github.com/gin-gonic/gin"

	"guichet/files"
	"guichet/handlers/web"
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
	// What was typed in "Écrire à la mairie", and its refusals by control id.
	message     string
	messageErrs views.FormErrors
}

// formField builds one question of the demand's form; suggest is where an
// address field fetches its street suggestions ("" for none).
func (s *Handlers) formField(base, suggest string, d *models.Demand, p *models.Procedure, f models.Field, atts []models.Attachment, st formState) views.FormField {
	values := st.values
	if values == nil {
		values = d.Data
	}
	ff := s.FormField(p.Form, f, values, st.errs, suggest)
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

// demandForm builds the form of a draft or of a correction. Its address
// fields suggest the commune's streets when it has imported some.
func (s *Handlers) demandForm(c *gin.Context, base string, d *models.Demand, p *models.Procedure, atts []models.Attachment, st formState) (*views.DemandForm, error) {
	suggest, err := s.StreetSuggestions(c.Request.Context(), web.Commune(c), p.Form)
	if err != nil {
		return nil, err
	}
	form := &views.DemandForm{Action: base, Version: d.Version, Correction: d.State == workflow.CorrectionRequested}
	for _, f := range p.Form {
		form.Fields = append(form.Fields, s.formField(base, suggest, d, p, f, atts, st))
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
