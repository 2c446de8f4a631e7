package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// reportProcedure is a procedure asking for the type of problem.
func reportProcedure(t *testing.T, a *app) *models.Procedure {
	t.Helper()
	p := &models.Procedure{CommuneID: a.Commune.ID, Slug: "signalement-type", Active: true,
		ProcedureVersion: models.ProcedureVersion{Title: "Signalement typé", Documents: []string{},
			Form: []models.Field{
				{Name: "type", Label: "Type de problème", Type: "choice", Options: []string{"Éclairage public", "Voirie", "Propreté"}},
				{Name: "description", Label: "Description", Type: "textarea"},
			}}}
	fixture.Must(t, models.CreateProcedure(context.Background(), a.DB, p))
	return p
}

var reports atomic.Int64

// submitReport files a demand of p through the workflow (routed as any).
func submitReport(t *testing.T, a *app, p *models.Procedure, typ string) *models.Demand {
	t.Helper()
	d, err := models.NewDraft(context.Background(), a.DB, p, fmt.Sprintf("usager%d@exemple.fr", reports.Add(1)), a.Clock.Now())
	fixture.Must(t, err)
	return a.Apply(t, d, workflow.Submit, a.Citizen(d), workflow.Input{Data: map[string]any{"type": typ, "description": "Depuis hier"}})
}

func lightingRule(p *models.Procedure, service int64, op string) url.Values {
	return url.Values{"nom": {"Éclairage → Voirie"}, "active": {"oui"}, "demarches": {itoa(p.ID)},
		"champ-0": {"type"}, "op-0": {"equals"}, "valeur-0": {"éclairage public"},
		"transfert": {itoa(service)}, "transfert_mode": {"proposer"}, "priorite": {"3"}, "op": {op}}
}

func ruleNames(r *response) []string {
	var out []string
	r.Doc.Find("table tbody tr th").Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	return out
}

// The admin previews a rule on the latest demands, saves it, and the next
// demand submitted is routed by it: the page shows the suggestion, which
// an agent confirms; the history names the rule.
func TestAdminPreviewsSavesAndTheRuleRoutes(t *testing.T) {
	a := newApp(t)
	p := reportProcedure(t, a)
	for _, typ := range []string{"Éclairage public", "Voirie", "Éclairage public", "Propreté", "Éclairage public"} {
		submitReport(t, a, p, typ)
	}
	admin := a.signIn(a.Admin)
	page := admin.get("/gestion/admin/regles")
	mustStatus(t, page, http.StatusOK)
	assertAccessible(t, page.Doc)
	mustContain(t, page, "Aucune règle pour l'instant")
	form := admin.get("/gestion/admin/regles/nouvelle")
	mustStatus(t, form, http.StatusOK)
	assertAccessible(t, form.Doc)

	pv := admin.post("/gestion/admin/regles/nouvelle", lightingRule(p, a.Voirie.ID, "apercu"))
	mustStatus(t, pv, http.StatusOK)
	assertAccessible(t, pv.Doc)
	mustContain(t, pv, "cette règle aurait touché 3 demandes et 0 conversation Sur les 5 dernières demandes")
	if n := pv.Doc.Find("section.notice li a").Length(); n != 3 {
		t.Errorf("the preview lists %d demands, want 3", n)
	}
	if got := pv.Doc.Find("#valeur-0").AttrOr("value", ""); got != "éclairage public" {
		t.Errorf("the preview lost the value typed: %q", got)
	}
	if _, rules, _ := models.RuleSetOf(context.Background(), a.DB, a.Commune.ID, models.TriggerSubmission, false); len(rules) != 0 {
		t.Fatalf("the preview saved the rule")
	}

	saved := admin.post("/gestion/admin/regles/nouvelle", lightingRule(p, a.Voirie.ID, "enregistrer"))
	mustStatus(t, saved, http.StatusSeeOther)
	list := admin.follow(saved)
	mustContain(t, list, "Règle « Éclairage → Voirie » enregistrée")
	mustContain(t, list, "« Type de problème — Signalement typé » est égal à « éclairage public »")
	mustContain(t, list, "Proposer la transmission au service voirie")

	d := submitReport(t, a, p, "Éclairage public")
	agent := a.signIn(a.Accueil)
	show := agent.get("/gestion/demandes/" + itoa(d.ID))
	mustStatus(t, show, http.StatusOK)
	assertAccessible(t, show.Doc)
	mustContain(t, show, "Règle « Éclairage → Voirie » : transfert au service voirie proposé")
	mustContain(t, show, "Règle « Éclairage → Voirie » : priorité « haute »")
	if got := show.Doc.Find("dt:contains('Priorité') + dd").Text(); got != "Haute" {
		t.Errorf("the demand's priority reads %q, want Haute", got)
	}
	mustContain(t, show, "La règle « Éclairage → Voirie » propose de transmettre cette demande au service voirie.")
	confirm := show.Doc.Find(`form[action^="/gestion/demandes/` + itoa(d.ID) + `/actions/transmettre"]`).First()
	vals := url.Values{}
	confirm.Find("input[type=hidden]").Each(func(_ int, s *goquery.Selection) { vals.Set(s.AttrOr("name", ""), s.AttrOr("value", "")) })
	done := agent.post(confirm.AttrOr("action", ""), vals)
	mustStatus(t, done, http.StatusSeeOther)
	if got := a.reload(t, d); got.State != workflow.Transferred || got.ServiceID == nil || *got.ServiceID != a.Voirie.ID || got.ProposedServiceID != nil {
		t.Errorf("after confirming: state %s, service %v, proposed %v", got.State, got.ServiceID, got.ProposedServiceID)
	}

	// The list sorts by priority.
	sorted := agent.get("/gestion/supervision?tri=priorite&ordre=desc")
	if sorted.StatusCode == http.StatusForbidden {
		sorted = a.signIn(a.Supervisor).get("/gestion/supervision?tri=priorite&ordre=desc")
	}
	mustStatus(t, sorted, http.StatusOK)
	col := -1
	sorted.Doc.Find("table thead th").Each(func(i int, s *goquery.Selection) {
		if strings.HasPrefix(strings.TrimSpace(s.Text()), "Priorité") {
			col = i
		}
	})
	if col < 0 {
		t.Fatal("the list has no « Priorité » column")
	}
	first := sorted.Doc.Find("table tbody tr").First().Find("th, td").Eq(col).Text()
	if strings.TrimSpace(first) != "Haute" {
		t.Errorf("sorted by priority, descending: the first row's is %q", first)
	}
}

// "Appliquer les règles" on a demand filed before the rule existed.
func TestAnAgentAppliesTheRulesFromTheDemandPage(t *testing.T) {
	a := newApp(t)
	p := reportProcedure(t, a)
	d := submitReport(t, a, p, "Éclairage public")
	admin := a.signIn(a.Admin)
	mustStatus(t, admin.post("/gestion/admin/regles/nouvelle", lightingRule(p, a.Voirie.ID, "enregistrer")), http.StatusSeeOther)

	agent := a.signIn(a.Accueil)
	page := agent.get("/gestion/demandes/" + itoa(d.ID))
	if !offers(page, "/gestion/demandes/"+itoa(d.ID)+"/regles") {
		t.Fatal("the demand page offers no « Appliquer les règles »")
	}
	r := agent.post("/gestion/demandes/"+itoa(d.ID)+"/regles", nil)
	mustStatus(t, r, http.StatusSeeOther)
	page = agent.follow(r)
	mustContain(t, page, "Une règle s'est appliquée")
	mustContain(t, page, "Règle « Éclairage → Voirie » : priorité « haute »")

	again := agent.follow(agent.post("/gestion/demandes/"+itoa(submitReport(t, a, p, "Propreté").ID)+"/regles", nil))
	mustContain(t, again, "Aucune règle ne s'applique à cette demande.")
}

// Refusals in French beside each input, everything typed kept; a service
// of another commune is refused as not one of this commune's.
func TestARuleFormRefusesInFrenchKeepingTheInput(t *testing.T) {
	a := newApp(t)
	p := reportProcedure(t, a)
	other := fixture.NewWorld(t, a.DB)
	admin := a.signIn(a.Admin)
	form := lightingRule(p, other.Voirie.ID, "enregistrer")
	form.Set("nom", "")
	form.Set("motif", "douze")
	form.Set("domaines", "pas un domaine")
	form.Set("mots", "lampadaire, réverbère")
	form.Set("attribuer", "agent:"+itoa(other.Accueil.ID))
	r := admin.post("/gestion/admin/regles/nouvelle", form)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	for id, want := range map[string]string{
		"nom":       "Donnez un nom à la règle",
		"motif":     "Le motif est le numéro d'un motif de la commune",
		"domaines":  "« pas un domaine » n'est pas un domaine d'adresse e-mail",
		"transfert": "ce service n'est pas un service actif de la commune",
		"attribuer": "cet agent n'est pas un agent actif de la commune",
	} {
		if got := r.Doc.Find("#" + id + "-erreur").Text(); !strings.Contains(got, want) {
			t.Errorf("#%s: %q, want %q", id, got, want)
		}
	}
	for id, want := range map[string]string{"mots": "lampadaire, réverbère", "motif": "douze", "valeur-0": "éclairage public"} {
		if got := r.Doc.Find("#"+id).AttrOr("value", ""); got != want {
			t.Errorf("#%s kept %q, want %q", id, got, want)
		}
	}
	if r.Doc.Find(`input[name="demarches"][value="`+itoa(p.ID)+`"][checked]`).Length() != 1 {
		t.Error("the procedure ticked was not kept")
	}
	if _, rules, _ := models.RuleSetOf(context.Background(), a.DB, a.Commune.ID, models.TriggerSubmission, false); len(rules) != 0 {
		t.Errorf("a refused rule was saved")
	}
}

// Order, enabling, editing, the mode, the automatic transfer; a stale
// edit is told so; a non-admin gets 403, another commune's admin 404.
func TestAdminOrdersEnablesAndEditsRules(t *testing.T) {
	a := newApp(t)
	p := reportProcedure(t, a)
	admin := a.signIn(a.Admin)
	for _, name := range []string{"Première", "Seconde"} {
		f := lightingRule(p, a.Voirie.ID, "enregistrer")
		f.Set("nom", name)
		mustStatus(t, admin.post("/gestion/admin/regles/nouvelle", f), http.StatusSeeOther)
	}
	_, rules, err := models.RuleSetOf(context.Background(), a.DB, a.Commune.ID, models.TriggerSubmission, false)
	fixture.Must(t, err)
	second := rules[1]
	mustStatus(t, admin.post("/gestion/admin/regles/"+itoa(second.ID)+"/monter", nil), http.StatusSeeOther)
	if got := ruleNames(admin.get("/gestion/admin/regles")); strings.Join(got, ",") != "Seconde,Première" {
		t.Errorf("after moving up: %v", got)
	}
	mustStatus(t, admin.post("/gestion/admin/regles/"+itoa(second.ID)+"/descendre", nil), http.StatusSeeOther)
	if got := ruleNames(admin.get("/gestion/admin/regles")); strings.Join(got, ",") != "Première,Seconde" {
		t.Errorf("after moving down: %v", got)
	}
	mustStatus(t, admin.post("/gestion/admin/regles/"+itoa(second.ID)+"/desactiver", nil), http.StatusSeeOther)
	mustContain(t, admin.get("/gestion/admin/regles"), "Désactivée")

	edit := admin.get("/gestion/admin/regles/" + itoa(second.ID))
	mustStatus(t, edit, http.StatusOK)
	assertAccessible(t, edit.Doc)
	if got := edit.Doc.Find("#nom").AttrOr("value", ""); got != "Seconde" {
		t.Errorf("the edit form shows %q", got)
	}
	f := lightingRule(p, a.Voirie.ID, "enregistrer")
	f.Set("nom", "Seconde, renommée")
	f.Set("version", edit.Doc.Find(`input[name="version"]`).AttrOr("value", ""))
	mustStatus(t, admin.post("/gestion/admin/regles/"+itoa(second.ID), f), http.StatusSeeOther)
	f.Set("nom", "Trop tard")
	stale := admin.post("/gestion/admin/regles/"+itoa(second.ID), f)
	mustStatus(t, stale, http.StatusConflict)
	mustContain(t, stale, "modifiée entre-temps")
	if got := stale.Doc.Find("#nom").AttrOr("value", ""); got != "Trop tard" {
		t.Errorf("the stale form kept %q", got)
	}

	mustStatus(t, admin.post("/gestion/admin/regles/mode", url.Values{"mode": {"all"}}), http.StatusSeeOther)
	mustStatus(t, admin.post("/gestion/admin/regles/mode", url.Values{"mode": {"toutes"}}), http.StatusUnprocessableEntity)
	mustStatus(t, admin.post("/gestion/admin/regles/transfert-automatique", url.Values{"auto": {itoa(p.ID)}}), http.StatusSeeOther)
	set, _, err := models.RuleSetOf(context.Background(), a.DB, a.Commune.ID, models.TriggerSubmission, false)
	fixture.Must(t, err)
	proc, err := models.ProcedureByID(context.Background(), a.DB, a.Commune.ID, p.ID)
	fixture.Must(t, err)
	if set.Mode != models.ModeAll || !proc.AutoTransfer {
		t.Errorf("mode %q, auto transfer %v", set.Mode, proc.AutoTransfer)
	}

	mustStatus(t, a.signIn(a.Accueil).get("/gestion/admin/regles"), http.StatusForbidden)
	intruder := a.signIn(fixture.NewWorld(t, a.DB).Admin)
	mustStatus(t, intruder.get("/gestion/admin/regles/"+itoa(second.ID)), http.StatusNotFound)
	mustStatus(t, intruder.post("/gestion/admin/regles/"+itoa(second.ID), f), http.StatusNotFound)
	if got := ruleNames(intruder.get("/gestion/admin/regles")); len(got) != 0 {
		t.Errorf("another commune's admin lists %v", got)
	}
}
