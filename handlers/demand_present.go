package handlers

import (
	"fmt"
	"strings"
	"time"

	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// Presenting a demand (its answers, files and history) for the pages that
// show one.

// demandFields lists the answers of a demand in its form's order; file
// questions are shown with the files.
func demandFields(p *models.Procedure, d *models.Demand) []views.DataRow {
	var rows []views.DataRow
	for _, f := range p.Form {
		if f.Type == "file" {
			continue
		}
		v := formatAnswer(f, d.Data[f.Name])
		if v == "" {
			v = "Non renseigné"
		}
		rows = append(rows, views.DataRow{Label: f.Label, Value: v})
	}
	return rows
}

func formatAnswer(f models.Field, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		if f.Type == "date" {
			if t, err := time.Parse(time.DateOnly, v); err == nil {
				return t.Format("02/01/2006")
			}
		}
		return v
	case bool:
		if v {
			return "Oui"
		}
		return "Non"
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = formatAnswer(f, x)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// fieldLabels maps a procedure's field names to their labels.
func fieldLabels(p *models.Procedure) map[string]string {
	m := make(map[string]string, len(p.Form))
	for _, f := range p.Form {
		m[f.Name] = f.Label
	}
	return m
}

func demandFiles(p *models.Procedure, as []models.Attachment) []views.FileRow {
	labels := fieldLabels(p)
	rows := make([]views.FileRow, len(as))
	for i, a := range as {
		rows[i] = views.FileRow{Name: a.Filename, Field: labels[a.Field], Size: a.Size, At: a.CreatedAt}
	}
	return rows
}

// historyItems turns history events into what a page shows.
func historyItems(p *models.Procedure, evs []models.Event) []views.HistoryItem {
	labels := fieldLabels(p)
	label := func(name any) string {
		if l, ok := labels[fmt.Sprint(name)]; ok {
			return l
		}
		return fmt.Sprint(name)
	}
	items := make([]views.HistoryItem, 0, len(evs))
	for _, ev := range evs {
		it := views.HistoryItem{At: ev.At, Actor: actorLabel(ev), Message: ev.Message, Internal: ev.Visibility == models.Internal}
		switch ev.Kind {
		case string(workflow.Submit):
			it.Title = "Demande déposée"
		case string(workflow.Accept):
			it.Title = "Demande acceptée"
		case string(workflow.Refuse):
			it.Title = "Demande refusée"
		case string(workflow.RequestCorrection):
			it.Title = "Correction demandée à l'usager"
			if fs, ok := ev.Details["fields"].([]any); ok && len(fs) > 0 {
				names := make([]string, len(fs))
				for i, f := range fs {
					names[i] = label(f)
				}
				it.Lines = append(it.Lines, "Champs à corriger : "+strings.Join(names, ", "))
			}
		case string(workflow.Resubmit):
			it.Title = "Demande corrigée par l'usager"
			if cs, ok := ev.Details["changes"].([]any); ok && len(cs) > 0 {
				names := make([]string, 0, len(cs))
				for _, c := range cs {
					if m, ok := c.(map[string]any); ok {
						names = append(names, label(m["field"]))
					}
				}
				it.Lines = append(it.Lines, "Champs modifiés : "+strings.Join(names, ", "))
			}
		case string(workflow.Transfer):
			it.Title = fmt.Sprintf("Transmise au service %v", ev.Details["service"])
		case string(workflow.ReturnToGuichet):
			it.Title = "Renvoyée à l'accueil"
		case string(workflow.Archive):
			it.Title = "Demande archivée"
		case workflow.KindNote:
			it.Title = "Note interne"
		case models.KindLinkOpened:
			it.Title = "Lien du service ouvert"
		case models.KindLinkResent:
			it.Title = "Nouveau lien envoyé au service"
		case models.KindReminder:
			it.Title = "Rappel envoyé au service"
		default:
			it.Title = ev.Kind
		}
		items = append(items, it)
	}
	return items
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
