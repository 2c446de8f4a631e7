package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/fixture"
	"guichet/models"
)

// TestListsSortNamesInFrenchOrder: services and procedures are listed in
// the order of a French reader, accents aside, not in byte order, which
// puts "État civil" after "Voirie".
func TestListsSortNamesInFrenchOrder(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	a.exec("UPDATE services SET name = initcap(name) WHERE commune_id = ?", a.Commune.ID)
	fixture.Must(t, a.DB.NewInsert().Model(&models.Service{CommuneID: a.Commune.ID, Name: "État civil", Email: "etat-civil@x.test", Active: true}).Scan(ctx))
	for _, p := range []struct{ slug, title string }{
		{"voirie", "Voirie : permission de voirie"},
		{"naissance", "État civil : acte de naissance"},
		{"travaux", "Urbanisme : déclaration de travaux"},
		{"elagage", "élagage d'un arbre"},
	} {
		fixture.Must(t, models.CreateProcedure(ctx, a.DB, &models.Procedure{CommuneID: a.Commune.ID, Slug: p.slug, Active: true,
			ProcedureVersion: models.ProcedureVersion{Title: p.title, Documents: []string{}}}))
	}
	services := []string{"État civil", "Urbanisme", "Voirie"}
	procedures := []string{"élagage d'un arbre", "État civil : acte de naissance", "Signalement d'un dysfonctionnement",
		"Urbanisme : déclaration de travaux", "Voirie : permission de voirie"}

	texts := func(s *goquery.Selection) []string {
		var out []string
		s.Each(func(_ int, e *goquery.Selection) { out = append(out, strings.TrimSpace(e.Text())) })
		return out
	}
	check := func(where string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", where, got, want)
		}
	}

	home := a.client().get("/c/" + a.Commune.Slug + "/")
	mustStatus(t, home, http.StatusOK)
	check("the portal's procedures", texts(home.Doc.Find("#demarches .card-title")), procedures)

	list := a.signIn(a.Supervisor).get("/gestion/supervision")
	mustStatus(t, list, http.StatusOK)
	check("the service filter", texts(list.Doc.Find("#service option:not([value=''])")), services)
	check("the procedure filter", texts(list.Doc.Find("#demarche option:not([value=''])")), procedures)

	admin := a.signIn(a.Admin).get("/gestion/admin/services")
	mustStatus(t, admin, http.StatusOK)
	check("the services page", texts(admin.Doc.Find("tbody th[scope=row]")), services)
}

// TestListsSortCitizensInFrenchOrder: sorted by citizen, "Étienne" comes
// before "Yves" (byte order puts É after every plain letter), and the
// pages that follow start where French order left off: the keyset
// compares in the same collation as the sort.
func TestListsSortCitizensInFrenchOrder(t *testing.T) {
	a := newApp(t)
	seedDemands(t, a.World, 50, "submitted", time.Now().Add(-time.Hour), "Banc")
	a.exec("UPDATE demands SET citizen_name = 'Yves ' || lpad(substr(citizen_name, 8), 2, '0') WHERE commune_id = ?", a.Commune.ID)
	etienne := a.at(a.DemandAt(t, fixture.AtSubmitted), time.Now(), "Étienne Lantier", nil)
	c := a.signIn(a.Supervisor)
	for _, list := range []string{"/gestion/?tri=usager", "/gestion/supervision?tri=usager"} {
		var names []string
		for r := c.get(list); ; {
			mustStatus(t, r, http.StatusOK)
			r.Doc.Find("table.demand-table tbody tr td:nth-child(3)").Each(func(_ int, s *goquery.Selection) {
				names = append(names, strings.Fields(s.Text())[0])
			})
			next, ok := r.Doc.Find(`a[rel="next"]`).Attr("href")
			if !ok {
				break
			}
			r = c.get(next)
		}
		if len(names) != 51 || names[0] != "Étienne" || slices.Index(names[1:], "Étienne") >= 0 {
			t.Errorf("%s: %d names %q, want %s first and once", list, len(names), names, etienne.CitizenName)
		}
	}
}
