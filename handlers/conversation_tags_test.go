package handlers_test

import (
	"github.com/PuerkitoBio/goquery"

	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

func TestTagsOnConversationsAndDemandsRenamedMergedCounted(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Perdu", "Je ne sais pas à qui m'adresser.")
	d := a.DemandAt(t, fixture.AtSubmitted)
	agent := a.signIn(a.Accueil)
	mustStatus(t, agent.post(fmt.Sprintf("/gestion/messages/%d/etiquettes", cv.ID), url.Values{"etiquette": {"usager  perdu"}}), http.StatusSeeOther)
	mustStatus(t, agent.post(fmt.Sprintf("/gestion/demandes/%d/etiquettes", d.ID), url.Values{"etiquette": {"Usager perdu"}}), http.StatusSeeOther)
	a.Clock.Advance(time.Hour)
	mustStatus(t, agent.post(fmt.Sprintf("/gestion/demandes/%d/etiquettes", d.ID), url.Values{"etiquette": {"Égaré"}}), http.StatusSeeOther)
	page := agent.get(fmt.Sprintf("/gestion/demandes/%d", d.ID))
	if got := page.Doc.Find("#etiquettes + ul .tag").Length(); got != 2 {
		t.Fatalf("demand tags: %d", got)
	}
	mustStatus(t, agent.post(fmt.Sprintf("/gestion/demandes/%d/etiquettes", d.ID), url.Values{"etiquette": {strings.Repeat("x", 61)}}), http.StatusSeeOther)
	if got := agent.get(fmt.Sprintf("/gestion/demandes/%d", d.ID)); !strings.Contains(text(got), "1 à 60 caractères") {
		t.Fatal("a too long tag is not refused in French")
	}
	// An agent may not administer tags.
	mustStatus(t, agent.get("/gestion/admin/etiquettes"), http.StatusForbidden)

	admin := a.signIn(a.Admin)
	list := admin.get("/gestion/admin/etiquettes")
	mustStatus(t, list, http.StatusOK)
	assertAccessible(t, list.Doc)
	tags, err := models.Tags(t.Context(), a.DB, a.Commune.ID)
	fixture.Must(t, err)
	if len(tags) != 2 || tags[1].Name != "usager perdu" || tags[1].Conversations != 1 || tags[1].Demands != 1 {
		t.Fatalf("tags: %+v", tags)
	}
	lost, astray := tags[1], tags[0]
	r := admin.post(fmt.Sprintf("/gestion/admin/etiquettes/%d/renommer", astray.ID), url.Values{"etiquette": {"Usager perdu"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "fusionnez-les")
	mustStatus(t, admin.post(fmt.Sprintf("/gestion/admin/etiquettes/%d/renommer", lost.ID), url.Values{"etiquette": {"Usager perdu"}}), http.StatusSeeOther)
	mustStatus(t, admin.post(fmt.Sprintf("/gestion/admin/etiquettes/%d/fusionner", astray.ID), url.Values{"dans": {fmt.Sprint(lost.ID)}}), http.StatusSeeOther)
	tags, err = models.Tags(t.Context(), a.DB, a.Commune.ID)
	fixture.Must(t, err)
	if len(tags) != 1 || tags[0].Name != "Usager perdu" || tags[0].Demands != 1 || tags[0].Conversations != 1 {
		t.Fatalf("after merge: %+v", tags)
	}
	ind := a.signIn(a.Supervisor).get("/gestion/supervision/indicateurs")
	row := ind.Doc.Find("#titre-etiquettes").Closest("table").Find("tbody tr")
	if row.Length() != 1 || !strings.Contains(row.Text(), "Usager perdu") || strings.TrimSpace(row.Find("td strong").Text()) != "2" {
		t.Fatalf("indicators: %q", row.Text())
	}

	// Another commune's admin and agents reach none of it.
	other := fixture.NewWorld(t, a.DB)
	oa := a.signIn(other.Admin)
	if strings.Contains(oa.get("/gestion/admin/etiquettes").Body, "Usager perdu") {
		t.Fatal("another commune's admin sees the tag")
	}
	mustStatus(t, oa.post(fmt.Sprintf("/gestion/admin/etiquettes/%d/renommer", lost.ID), url.Values{"etiquette": {"pris"}}), http.StatusNotFound)
	otherCv, _, err := other.App.Conversations.Open(t.Context(), other.Commune, workflow.AgentActor(other.Accueil), convOpen("z@exemple.fr"))
	fixture.Must(t, err)
	fixture.Must(t, other.App.Conversations.Tag(t.Context(), workflow.AgentActor(other.Accueil), otherCv.ID, "Leur étiquette", false))
	theirs, err := models.Tags(t.Context(), a.DB, other.Commune.ID)
	fixture.Must(t, err)
	r = oa.post(fmt.Sprintf("/gestion/admin/etiquettes/%d/fusionner", theirs[0].ID), url.Values{"dans": {fmt.Sprint(lost.ID)}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustStatus(t, a.signIn(other.Accueil).post(fmt.Sprintf("/gestion/demandes/%d/etiquettes", d.ID), url.Values{"etiquette": {"x"}}), http.StatusNotFound)
	if ind := a.signIn(other.Supervisor).get("/gestion/supervision/indicateurs"); strings.Contains(ind.Body, "Usager perdu") {
		t.Fatal("another commune's indicators count our tag")
	}
}

// TestTagCountsAddUpOverMonths: a tag used in two months, other tags
// between, counts both uses on its one row of the indicators.
func TestTagCountsAddUpOverMonths(t *testing.T) {
	a := newApp(t)
	agent := a.signIn(a.Accueil)
	tag := func(d *models.Demand, name string) {
		t.Helper()
		mustStatus(t, agent.post(fmt.Sprintf("/gestion/demandes/%d/etiquettes", d.ID), url.Values{"etiquette": {name}}), http.StatusSeeOther)
	}
	first := a.DemandAt(t, fixture.AtSubmitted)
	for _, name := range []string{"Voirie", "Éclairage", "Propreté"} {
		tag(first, name)
	}
	a.Clock.Advance(32 * 24 * time.Hour)
	agent = a.signIn(a.Accueil)
	tag(a.DemandAt(t, fixture.AtSubmitted), "Voirie")

	ind := a.signIn(a.Supervisor).get("/gestion/supervision/indicateurs")
	totals := map[string]string{}
	ind.Doc.Find("#titre-etiquettes").Closest("table").Find("tbody tr").Each(func(_ int, s *goquery.Selection) {
		totals[strings.TrimSpace(s.Find("th").Text())] = strings.TrimSpace(s.Find("td strong").Text())
	})
	if totals["Voirie"] != "2" || totals["Éclairage"] != "1" || totals["Propreté"] != "1" {
		t.Fatalf("tag totals: %v", totals)
	}
}
