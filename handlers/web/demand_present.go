package web

import (
	"fmt"
	"strings"

	"guichet/files"
	"guichet/forms"
	"guichet/history"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// Presenting a demand (its answers, files and history) for the pages that
// show one.

// DemandFields lists the answers of a demand in its form's order; file
// questions are shown with the files.
func DemandFields(p *models.Procedure, d *models.Demand) []views.DataRow {
	var rows []views.DataRow
	for _, f := range forms.Answered(p.Form, d.Data) {
		if f.Type == "file" {
			continue
		}
		v := forms.Display(f, d.Data[f.Name])
		if v == "" {
			v = "Non renseigné"
		}
		rows = append(rows, views.DataRow{Label: f.Label, Value: v})
	}
	return rows
}

// VersionText names the version of a procedure a demand was filled in
// with: "Version 2 du 01/12/2026".
func VersionText(p *models.Procedure) string {
	return fmt.Sprintf("Version %d du %s", p.Number, p.ProcedureVersion.CreatedAt.In(Paris).Format("02/01/2006"))
}

// CorrectionFields are the questions a correction request may name, file
// questions included: the accueil's form and the service's offer the same.
func CorrectionFields(p *models.Procedure) []views.Option {
	var opts []views.Option
	for _, f := range forms.Valued(p.Form) {
		opts = append(opts, views.Option{Value: f.Name, Label: f.Label})
	}
	return opts
}

// FieldLabels maps a procedure's field names to their labels.
func FieldLabels(p *models.Procedure) map[string]string {
	m := make(map[string]string, len(p.Form))
	for _, f := range p.Form {
		m[f.Name] = f.Label
	}
	return m
}

func DemandFiles(p *models.Procedure, as []models.Attachment, base string) []views.FileRow {
	labels := FieldLabels(p)
	rows := make([]views.FileRow, len(as))
	for i, a := range as {
		k, _ := files.KindOf(a.ContentType)
		rows[i] = views.FileRow{Name: a.Filename, Field: labels[a.Field], Size: a.Size, At: a.CreatedAt,
			Type: k.Label, By: uploaderLabel[a.UploadedBy], URL: fmt.Sprintf("%s/pieces/%d", base, a.ID)}
		if k.Inline {
			rows[i].Preview = rows[i].URL + "?apercu=1"
		}
	}
	return rows
}

// uploaderLabel says who added a file, for the commune's staff.
var uploaderLabel = map[string]string{
	workflow.KindCitizen: "l'usager", workflow.KindAgent: "l'accueil", workflow.KindService: "un service",
}

// HistoryItems turns history events into what a page shows; openings of
// the demand are left to Openings.
func HistoryItems(p *models.Procedure, evs []models.Event) []views.HistoryItem {
	labels := FieldLabels(p)
	fields := make(map[string]models.Field, len(p.Form))
	for _, f := range p.Form {
		fields[f.Name] = f
	}
	label := func(name any) string {
		if l, ok := labels[fmt.Sprint(name)]; ok {
			return l
		}
		return fmt.Sprint(name)
	}
	items := make([]views.HistoryItem, 0, len(evs))
	for _, ev := range evs {
		if history.IsOpening(ev.Kind) {
			continue
		}
		it := views.HistoryItem{At: ev.At, Actor: actorLabel(ev), Message: ev.Message, Internal: ev.Visibility == models.Internal,
			Title: history.AgentTitle(ev)}
		if m := workflow.ServiceMessage(ev); m != "" {
			it.Message = "Message de l'accueil pour le service : " + m
		}
		// The answers a correction names or changed, by their labels.
		switch ev.Kind {
		case string(workflow.RequestCorrection):
			if fs, ok := ev.Details["fields"].([]any); ok && len(fs) > 0 {
				names := make([]string, len(fs))
				for i, f := range fs {
					names[i] = label(f)
				}
				it.Lines = append(it.Lines, "Champs à corriger : "+strings.Join(names, ", "))
			}
		case string(workflow.Resubmit):
			// Old and new values, so agents and services see what the citizen changed.
			if cs, ok := ev.Details["changes"].([]any); ok {
				for _, c := range cs {
					if m, ok := c.(map[string]any); ok {
						f := fields[fmt.Sprint(m["field"])]
						it.Lines = append(it.Lines, fmt.Sprintf("%s : « %s » → « %s »", label(m["field"]), forms.Display(f, m["old"]), forms.Display(f, m["new"])))
					}
				}
			}
		}
		items = append(items, it)
	}
	return items
}

// Openings lists who opened the demand (agents' pages, services' links),
// the latest first: what a supervisor is shown.
func Openings(evs []models.Event) []views.HistoryItem {
	var out []views.HistoryItem
	for i := len(evs) - 1; i >= 0; i-- {
		if ev := evs[i]; history.IsOpening(ev.Kind) {
			out = append(out, views.HistoryItem{At: ev.At, Actor: actorLabel(ev), Title: history.AgentTitle(ev), Message: ev.Message, Internal: true})
		}
	}
	return out
}

// actorLabel says who acted, and how.
func actorLabel(ev models.Event) string {
	switch ev.ActorKind {
	case workflow.KindCitizen:
		return "L'usager (" + ev.ActorName + ")"
	case workflow.KindService:
		return "Service " + ev.ActorName + ", par son lien sécurisé"
	case workflow.KindSystem:
		return "Guichet (automatique)"
	}
	return ev.ActorName
}

func ProcedureField(p *models.Procedure, name string) (models.Field, bool) {
	for _, f := range p.Form {
		if f.Name == name {
			return f, true
		}
	}
	return models.Field{}, false
}
