package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

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
		fixture.Must(t, a.DB.NewInsert().Model(&models.Procedure{CommuneID: a.Commune.ID, Slug: p.slug, Title: p.title, Active: true}).Scan(ctx))
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
