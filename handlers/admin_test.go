package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/auth"
	"guichet/fixture"
	"guichet/perm"
)

func TestAdminAddsAnAgentWhoChoosesTheirPassword(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	page := admin.get("/gestion/admin/agents")
	mustStatus(t, page, http.StatusOK)
	assertAccessible(t, page.Doc)

	r := admin.post("/gestion/admin/agents", url.Values{"nom": {"Léa Quenu"}, "email": {"pas une adresse"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	if r.Doc.Find(".error-summary li").Length() != 2 || r.Doc.Find("#nom").AttrOr("value", "") != "Léa Quenu" {
		t.Fatalf("errors or values lost: %s", text(r))
	}
	r = admin.post("/gestion/admin/agents", url.Values{"nom": {"Léa Quenu"}, "email": {strings.ToUpper(a.Accueil.Email)}, "profil": {itoa(a.Profiles[perm.SupervisorProfile].ID)}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "déjà celle d'un agent de votre commune")
	// Another commune's agent: the refusal says nothing of that commune,
	// and keeps what was typed.
	other := fixture.NewWorld(t, a.DB)
	r = admin.post("/gestion/admin/agents", url.Values{"nom": {"Léa Quenu"}, "email": {other.Accueil.Email}, "profil": {itoa(a.Profiles[perm.SupervisorProfile].ID)}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Cette adresse ne peut pas être utilisée pour un nouveau compte")
	if body := text(r); strings.Contains(body, "déjà") || strings.Contains(body, other.Commune.Name) {
		t.Fatalf("the refusal tells of the other commune: %s", body)
	}
	if r.Doc.Find("#nom").AttrOr("value", "") != "Léa Quenu" || r.Doc.Find("#email").AttrOr("value", "") != other.Accueil.Email {
		t.Fatalf("values lost: %s", text(r))
	}

	before := len(a.SMTP.Messages())
	r = admin.post("/gestion/admin/agents", url.Values{"nom": {"Léa Quenu"}, "email": {"lea.quenu@mairie.test"}, "profil": {itoa(a.Profiles[perm.SupervisorProfile].ID)}})
	mustStatus(t, r, http.StatusSeeOther)
	list := admin.follow(r)
	mustContain(t, list, "Compte de Léa Quenu créé")
	mustContain(t, list, "Invité (mot de passe pas encore choisi)")
	ms := a.sendMail()[before:]
	if len(ms) != 1 || ms[0].To[0] != "lea.quenu@mairie.test" || !strings.Contains(ms[0].Subject, "Votre compte") {
		t.Fatalf("invitation: %+v", ms)
	}
	link := resetLink.FindString(ms[0].Text)
	c := a.client()
	mustStatus(t, c.post(link, url.Values{"password": {"ma phrase secrète"}, "confirm": {"ma phrase secrète"}}), http.StatusSeeOther)
	r = c.post("/gestion/connexion", url.Values{"email": {"lea.quenu@mairie.test"}, "password": {"ma phrase secrète"}})
	mustStatus(t, r, http.StatusSeeOther)
	mustStatus(t, c.get("/gestion/supervision"), http.StatusOK)
}

func TestAdminDeactivatesAnAgent(t *testing.T) {
	a := newApp(t)
	admin, desk := a.signIn(a.Admin), a.signIn(a.Accueil)
	mustStatus(t, desk.get("/gestion/"), http.StatusOK)

	r := admin.post("/gestion/admin/agents/"+itoa(a.Accueil.ID)+"/desactiver", nil)
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, admin.follow(r), "ne peut plus se connecter")
	mustStatus(t, desk.get("/gestion/"), http.StatusSeeOther) // signed out at once
	r = a.client().post("/gestion/connexion", url.Values{"email": {a.Accueil.Email}, "password": {fixture.Password}})
	mustStatus(t, r, http.StatusUnauthorized)
	if link := a.requestReset(a.Accueil.Email); link != "" {
		t.Fatal("a deactivated agent got a reset link")
	}

	mustStatus(t, admin.post("/gestion/admin/agents/"+itoa(a.Accueil.ID)+"/reactiver", nil), http.StatusSeeOther)
	a.signIn(a.Accueil)

	r = admin.post("/gestion/admin/agents/"+itoa(a.Admin.ID)+"/desactiver", nil)
	mustStatus(t, r, http.StatusForbidden)
	other := fixture.NewWorld(t, a.DB)
	mustStatus(t, admin.post("/gestion/admin/agents/"+itoa(other.Accueil.ID)+"/desactiver", nil), http.StatusNotFound)
	a.signIn(a.Admin)
}

func TestAdminManagesServices(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	r := admin.post("/gestion/admin/services", url.Values{"nom": {""}, "email": {"x"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if r.Doc.Find(".error-summary li").Length() != 2 {
		t.Fatalf("errors: %s", text(r))
	}
	r = admin.post("/gestion/admin/services", url.Values{"nom": {"voirie"}, "email": {"voirie2@mairie.test"}})
	mustContain(t, r, "déjà un service de ce nom")
	r = admin.post("/gestion/admin/services", url.Values{"nom": {"État civil"}, "email": {"etat-civil@mairie.test"}})
	mustStatus(t, r, http.StatusSeeOther)
	assertAccessible(t, admin.follow(r).Doc)

	transferTo := func() []string {
		d := a.DemandAt(t, fixture.AtSubmitted)
		var names []string
		a.signIn(a.Accueil).get("/gestion/demandes/" + itoa(d.ID)).Doc.Find(`#transmettre-service option[value!=""]`).
			Each(func(_ int, s *goquery.Selection) { names = append(names, s.Text()) })
		slices.Sort(names)
		return names
	}
	if got := transferTo(); !slices.Equal(got, []string{"urbanisme", "voirie", "État civil"}) {
		t.Fatalf("transfer to %v", got)
	}
	mustStatus(t, admin.post("/gestion/admin/services/"+itoa(a.Voirie.ID)+"/desactiver", nil), http.StatusSeeOther)
	if got := transferTo(); !slices.Equal(got, []string{"urbanisme", "État civil"}) {
		t.Fatalf("transfer to %v after deactivating voirie", got)
	}
	mustStatus(t, admin.post("/gestion/admin/services/"+itoa(a.Voirie.ID)+"/reactiver", nil), http.StatusSeeOther)
	other := fixture.NewWorld(t, a.DB)
	mustStatus(t, admin.post("/gestion/admin/services/"+itoa(other.Voirie.ID)+"/desactiver", nil), http.StatusNotFound)
}

func TestAnyFormIsOfferedAgainAfterAnExpiredSession(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	a.Clock.Advance(auth.SessionIdle + time.Minute) // idle too long
	r := admin.post("/gestion/admin/services", url.Values{"nom": {"Espaces verts"}, "email": {"verts@mairie.test"}})
	mustStatus(t, r, http.StatusUnauthorized)
	r = admin.post("/gestion/connexion", url.Values{"email": {a.Admin.Email}, "password": {fixture.Password},
		"reprise": {r.Doc.Find(`input[name="reprise"]`).AttrOr("value", "")}})
	mustStatus(t, r, http.StatusOK)
	assertAccessible(t, r.Doc)
	mustContain(t, r, "Espaces verts")
	form := r.Doc.Find(`main form[action="/gestion/admin/services"]`)
	r = admin.post("/gestion/admin/services", formValues(form))
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, admin.follow(r), "Service « Espaces verts » ajouté")
}
