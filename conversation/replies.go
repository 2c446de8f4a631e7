package conversation

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"guichet/apperr"
	"guichet/models"
	"guichet/workflow"
)

// Variables of a saved reply and what they become.
var Variables = []struct{ Name, Meaning string }{
	{"{nom}", "le nom de l'usager"},
	{"{reference}", "la référence de la demande (ou de la conversation)"},
	{"{etat}", "l'état de la demande"},
	{"{commune}", "le nom de la commune"},
	{"{contact}", "les coordonnées de la mairie"},
}

// TeamOf is a conversation's team as saved replies name it.
func TeamOf(cv *models.Conversation) string {
	if cv.ServiceID != nil {
		return strconv.FormatInt(*cv.ServiceID, 10)
	}
	return "accueil"
}

// Fill writes a saved reply's variables for a conversation (d: its demand, or nil).
func Fill(body string, cm *models.Commune, cv *models.Conversation, d *models.Demand) string {
	ref, state := cv.Reference, ""
	if d != nil {
		ref, state = d.Reference, workflow.StateLabel(d.State)
	}
	return strings.NewReplacer("{nom}", nameOr(cv.CitizenName, cv.CitizenEmail), "{reference}", ref, "{etat}", state,
		"{commune}", cm.Name, "{contact}", strings.Join(cm.ContactLines(), "\n")).Replace(body)
}

// SaveReply records a saved reply for everyone ("") or a team ("accueil" or a service's id).
func (m *Manager) SaveReply(ctx context.Context, actor workflow.Actor, title, body, team string) (*models.SavedReply, error) {
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	errs := map[string]string{}
	if title == "" || utf8.RuneCountInString(title) > 100 {
		errs["titre"] = "Donnez à la réponse un titre de 1 à 100 caractères."
	}
	if body == "" || utf8.RuneCountInString(body) > MaxBody {
		errs["texte"] = "Écrivez le texte de la réponse (10 000 caractères au plus)."
	}
	if team != "" && team != "accueil" {
		id, _ := strconv.ParseInt(team, 10, 64)
		if s, err := models.ServiceByID(ctx, m.DB, actor.CommuneID, id); err != nil || !s.Active {
			errs["equipe"] = "Choisissez une équipe de la liste."
		}
	}
	if len(errs) > 0 {
		return nil, apperr.Fields(errs)
	}
	r := &models.SavedReply{CommuneID: actor.CommuneID, Title: title, Body: body, Team: team, CreatedAt: m.Clock.Now()}
	if actor.ID != 0 {
		r.CreatedBy = &actor.ID
	}
	return r, models.InsertSavedReply(ctx, m.DB, r)
}
