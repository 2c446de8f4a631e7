package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/fixture"
	"guichet/handlers/web"
	"guichet/models"
)

// dutyForm is the admin's form of the published duties, filled.
func dutyForm(version string, kv ...string) url.Values {
	v := url.Values{"niveau": {"non"}, "version": {version}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// A new commune publishes its three pages at once, generated from its
// identity: "non conforme" without an audit, the recourse to the Défenseur
// des droits, the mairie as publisher and contact, the default retention.
// Every portal page's footer links to them with the compliance level.
func TestPublishedDutiesAreGeneratedFromTheIdentity(t *testing.T) {
	a := newApp(t)
	c := a.client()
	base := "/c/" + a.Commune.Slug

	home := c.get(base + "/")
	link := home.Doc.Find(`footer a[href="` + base + `/accessibilite"]`)
	if got := strings.Join(strings.Fields(link.Text()), " "); got != "Accessibilité : non conforme" {
		t.Fatalf("the footer's accessibility link says %q", got)
	}
	for _, p := range []string{"/mentions-legales", "/donnees-personnelles"} {
		if home.Doc.Find(`footer a[href="`+base+p+`"]`).Length() != 1 {
			t.Fatalf("no link to %s in the footer", p)
		}
	}

	st := c.get(base + "/accessibilite")
	mustStatus(t, st, http.StatusOK)
	assertAccessible(t, st.Doc)
	for _, want := range []string{"est non conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1, en l'absence d'audit",
		"Défenseur des droits", "Libre réponse 71120", a.Commune.Email, "Mairie de " + a.Commune.Name} {
		mustContain(t, st, want)
	}

	ln := c.get(base + "/mentions-legales")
	mustStatus(t, ln, http.StatusOK)
	assertAccessible(t, ln.Doc)
	for _, want := range []string{"Mairie de " + a.Commune.Name, "1 place de la Mairie", "Le maire de " + a.Commune.Name, "L'hébergeur n'a pas encore été indiqué"} {
		mustContain(t, ln, want)
	}

	pd := c.get(base + "/donnees-personnelles")
	mustStatus(t, pd, http.StatusOK)
	assertAccessible(t, pd.Doc)
	rows := map[string]string{}
	pd.Doc.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		rows[strings.TrimSpace(tr.Find("th").Text())] = strings.Join(strings.Fields(tr.Find("td").Text()), " ")
	})
	if got := rows["Demandes « "+a.Procedure.Title+" »"]; got != "12 mois après la décision" {
		t.Fatalf("the procedure's retention reads %q (rows %v)", got, rows)
	}
	if got := rows["Brouillons de demande jamais déposés"]; got != "3 mois sans modification" {
		t.Fatalf("the drafts' retention reads %q", got)
	}
	mustContain(t, pd, "cnil.fr")

	// The page says what the admin set, the rules the retention job applies.
	admin := a.signIn(a.Admin)
	mustStatus(t, admin.post("/gestion/admin/demarches/conservation", url.Values{
		"conservation-" + itoa(a.Procedure.ID): {"24"}, "conservation-conversations": {"6"}}), http.StatusSeeOther)
	pd = c.get(base + "/donnees-personnelles")
	rows = map[string]string{}
	pd.Doc.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		rows[strings.TrimSpace(tr.Find("th").Text())] = strings.Join(strings.Fields(tr.Find("td").Text()), " ")
	})
	if got := rows["Demandes « "+a.Procedure.Title+" »"]; got != "24 mois après la décision" {
		t.Fatalf("after the admin set 24 months, the procedure's retention reads %q", got)
	}
	if got := rows["Messages à la mairie sans demande"]; got != "6 mois après leur résolution" {
		t.Fatalf("after the admin set 6 months, the conversations' retention reads %q", got)
	}
}

// The admin edits the duties: a level above "non conforme" without an
// audit's date is refused beside the field with what was typed kept; once
// saved, the statement and every footer say the new level; a save over
// another admin's is refused, the input kept. Another commune's admin
// changes nothing here; an agent who is not admin is refused.
func TestAdminEditsThePublishedDuties(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	page := admin.get("/gestion/admin/obligations")
	mustStatus(t, page, http.StatusOK)
	assertAccessible(t, page.Doc)
	version, _ := page.Doc.Find(`input[name="version"]`).Attr("value")

	r := admin.post("/gestion/admin/obligations", dutyForm(version, "niveau", "partiel", "non_conformites", "Critère 3.2 : contraste du bouton"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if msg, _ := fieldError(r, "audit_date"); !strings.Contains(msg, "sans audit, le site est « non conforme »") {
		t.Fatalf("the missing audit date is refused as %q", msg)
	}
	if got := r.Doc.Find(`textarea[name="non_conformites"]`).Text(); got != "Critère 3.2 : contraste du bouton" {
		t.Fatalf("the typed text was lost: %q", got)
	}
	mustStatus(t, admin.post("/gestion/admin/obligations", dutyForm(version, "niveau", "partiel", "audit_date", "2099-01-01")), http.StatusUnprocessableEntity)

	mustStatus(t, admin.post("/gestion/admin/obligations", dutyForm(version, "niveau", "partiel", "audit_date", "2026-03-15",
		"non_conformites", "Critère 3.2 : contraste du bouton\nCritère 11.1 : champ sans étiquette", "hebergeur", "Hébergeur SAS\n2 rue du Serveur, Lyon",
		"directeur", "Jeanne Maire")), http.StatusSeeOther)

	c := a.client()
	base := "/c/" + a.Commune.Slug
	st := c.get(base + "/accessibilite")
	mustContain(t, st, "est partiellement conforme avec le référentiel")
	mustContain(t, st, "Un audit de conformité a été réalisé le 15/03/2026.")
	if items := st.Doc.Find("main li").FilterFunction(func(_ int, s *goquery.Selection) bool { return strings.HasPrefix(s.Text(), "Critère") }); items.Length() != 2 {
		t.Fatalf("the non-compliant items are %d", items.Length())
	}
	mustContain(t, st, "Cette déclaration a été établie le "+a.Clock.Now().In(web.Paris).Format("02/01/2006"))
	for _, p := range []string{"/", "/contact", "/mentions-legales"} {
		if got := strings.Join(strings.Fields(c.get(base+p).Doc.Find(`footer a[href="`+base+`/accessibilite"]`).Text()), " "); got != "Accessibilité : partiellement conforme" {
			t.Fatalf("%s's footer says %q", p, got)
		}
	}
	ln := c.get(base + "/mentions-legales")
	mustContain(t, ln, "Jeanne Maire")
	mustContain(t, ln, "2 rue du Serveur, Lyon")

	// A second admin's save, from the form shown before the first one's.
	stale := admin.post("/gestion/admin/obligations", dutyForm(version, "directeur", "Paul Adjoint"))
	mustStatus(t, stale, http.StatusConflict)
	mustContain(t, stale, "modifiées entre-temps")
	if got, _ := stale.Doc.Find(`input[name="directeur"]`).Attr("value"); got != "Paul Adjoint" {
		t.Fatalf("the typed director was lost: %q", got)
	}
	mustContain(t, c.get(base+"/mentions-legales"), "Jeanne Maire")

	other := fixture.NewWorld(t, a.DB)
	stranger := a.signIn(other.Admin)
	sp := stranger.get("/gestion/admin/obligations")
	if strings.Contains(sp.Body, "Jeanne Maire") || strings.Contains(sp.Body, "Hébergeur SAS") {
		t.Fatal("another commune's admin sees this commune's duties")
	}
	sv, _ := sp.Doc.Find(`input[name="version"]`).Attr("value")
	mustStatus(t, stranger.post("/gestion/admin/obligations", dutyForm(sv, "directeur", "Intrus")), http.StatusSeeOther)
	mustContain(t, c.get(base+"/mentions-legales"), "Jeanne Maire")
	mustContain(t, c.get("/c/"+other.Commune.Slug+"/mentions-legales"), "Intrus")

	for _, ag := range []*models.Agent{a.Accueil, a.Supervisor} {
		mustStatus(t, a.signIn(ag).post("/gestion/admin/obligations", dutyForm(version, "directeur", "Intrus")), http.StatusForbidden)
	}
}
