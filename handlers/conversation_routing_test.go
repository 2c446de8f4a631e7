package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/routing"
)

// A rule routes a conversation written from the contact form: the agents'
// page shows the priority and the team it set and the history names the
// rule; the admin's preview counts conversations beside demands; an agent
// runs the rules again from the conversation's page.
func TestRulesRouteAConversationFromTheContactForm(t *testing.T) {
	a := newApp(t)
	r := &models.RoutingRule{CommuneID: a.Commune.ID, Name: "Lampadaires", Enabled: true, Conditions: models.RuleConditions{Words: []string{"lampadaire"}},
		Actions: []models.RuleAction{{Kind: routing.ActionPriority, Priority: 4}, {Kind: routing.ActionTags, Tags: []string{"éclairage"}}}}
	fixture.Must(t, models.CreateRoutingRule(t.Context(), a.DB, r, models.TriggerSubmission))
	a.contact(a.client(), "camille@exemple.fr", "Éclairage", "Le lampadaire est éteint.", nil)
	cv := a.onlyConversation(t)
	c := a.signIn(a.Supervisor)
	page := c.get(fmt.Sprintf("/gestion/messages/%d", cv.ID))
	mustStatus(t, page, http.StatusOK)
	if got := priorityShown(page); got != "Urgente" {
		t.Errorf("priority shown %q, want Urgente", got)
	}
	mustContain(t, page, "Règle « Lampadaires » : priorité « urgente »")
	mustContain(t, page, "Règle « Lampadaires » : étiquettes ajoutées : éclairage")

	// In "first match", the rule above would take it: every match acts.
	fixture.Must(t, models.SetRuleSetMode(t.Context(), a.DB, a.Commune.ID, models.TriggerSubmission, models.ModeAll))
	admin := a.signIn(a.Admin)
	pv := admin.post("/gestion/admin/regles/nouvelle", url.Values{"nom": {"Éteint"}, "active": {"oui"}, "mots": {"éteint"}, "mots_mode": {"un"},
		"priorite": {"3"}, "transfert_mode": {"proposer"}, "op": {"apercu"}})
	mustStatus(t, pv, http.StatusOK)
	mustContain(t, pv, "cette règle aurait touché 0 demande et 1 conversation")

	r.Actions = []models.RuleAction{{Kind: routing.ActionPriority, Priority: 1}}
	fixture.Must(t, models.UpdateRoutingRule(t.Context(), a.DB, r, a.Clock.Now()))
	res := c.post(fmt.Sprintf("/gestion/messages/%d/regles", cv.ID), url.Values{})
	mustStatus(t, res, http.StatusSeeOther)
	page = c.follow(res)
	mustContain(t, page, "Une règle s'est appliquée")
	if got := priorityShown(page); got != "Basse" {
		t.Errorf("priority shown %q after the agent's run, want Basse", got)
	}
	if got := a.reloadConversation(t, cv); got.Priority != 1 {
		t.Errorf("priority %d after the agent's run", got.Priority)
	}
}

// priorityShown is the priority a conversation's page shows.
func priorityShown(r *response) string {
	return r.Doc.Find(`dt:contains("Priorité")`).Next().Text()
}
