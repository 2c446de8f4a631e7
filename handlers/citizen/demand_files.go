package citizen

import "guichet/models"

// attachedCounts counts the files of each field.
func attachedCounts(atts []models.Attachment) map[string]int {
	n := map[string]int{}
	for _, a := range atts {
		n[a.Field]++
	}
	return n
}

// withFiles completes a demand's data with the names of its files, so that
// the data says what was submitted, and a resubmission's history shows files
// added or removed like any other change.
func withFiles(p *models.Procedure, data map[string]any, atts []models.Attachment) map[string]any {
	for _, f := range p.Form {
		if f.Type != "file" {
			continue
		}
		var names []any
		for _, a := range atts {
			if a.Field == f.Name {
				names = append(names, a.Filename)
			}
		}
		if names != nil {
			data[f.Name] = names
		}
	}
	return data
}
