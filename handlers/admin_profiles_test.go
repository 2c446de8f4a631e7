package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
)

// An admin composes a profile, gives it to an agent, who then has exactly
// its permissions; refusals are in French with the input kept.
func TestAdminComposesAProfileAndGivesItToAnAgent(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)

	r := admin.get("/gestion/admin/profils")
	mustStatus(t, r, http.StatusOK)
	assertAccessible(t, r.Doc)
	for _, d := range perm.All {
		mustContain(t, r, d.Description)
	}

	// Refused: no name, a right on demands without seeing them, a name taken.
	r = admin.post("/gestion/admin/profils", url.Values{"nom": {""}, "permissions": {"decider"}, "demarches": {itoa(a.Procedure.ID)}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Donnez un nom au profil")
	mustContain(t, r, "« Décider » suppose « Voir les demandes »")
	if !r.Doc.Find(`input[name=permissions][value=decider]`).Is("[checked]") || !r.Doc.Find(`input[name=demarches][value="`+itoa(a.Procedure.ID)+`"]`).Is("[checked]") {
		t.Fatalf("the ticked boxes are lost: %s", text(r))
	}
	assertAccessible(t, r.Doc)
	r = admin.post("/gestion/admin/profils", url.Values{"nom": {"superviseur"}, "permissions": {"voir"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "déjà un profil de ce nom")
	if r.Doc.Find("#nom").AttrOr("value", "") != "superviseur" {
		t.Fatalf("the name is lost: %s", text(r))
	}

	r = admin.post("/gestion/admin/profils", url.Values{"nom": {"Signalements"}, "permissions": {"voir", "decider"}, "demarches": {itoa(a.Procedure.ID)}})
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, admin.follow(r), "Profil « Signalements » ajouté")
	p, err := models.ProfileByName(t.Context(), a.DB, a.Commune.ID, "Signalements")
	fixture.Must(t, err)
	if !p.Has(perm.See) || !p.Has(perm.Decide) || p.Has(perm.Transfer) || len(p.ProcedureIDs) != 1 || p.ProcedureIDs[0] != a.Procedure.ID {
		t.Fatalf("stored %+v", p)
	}

	// Given to the accueil agent: they may decide but no longer transfer.
	mustStatus(t, admin.post("/gestion/admin/agents/"+itoa(a.Accueil.ID)+"/profil", url.Values{"profil": {itoa(p.ID)}}), http.StatusSeeOther)
	d := a.DemandAt(t, fixture.AtSubmitted)
	page := a.signIn(a.Accueil).get("/gestion/demandes/" + itoa(d.ID))
	mustStatus(t, page, http.StatusOK)
	if offers(page, "/gestion/demandes/"+itoa(d.ID)+"/actions/transmettre") || !offers(page, "/gestion/demandes/"+itoa(d.ID)+"/actions/accepter") {
		t.Fatalf("the page offers what the profile does not allow: %s", text(page))
	}

	// In use, it cannot be deleted; the spare one can.
	r = admin.post("/gestion/admin/profils/"+itoa(p.ID)+"/supprimer", nil)
	mustStatus(t, r, http.StatusConflict)
	mustContain(t, r, "donnez-leur un autre profil")
	spare := a.NewProfile(t, "Vide", perm.Set{})
	mustStatus(t, admin.post("/gestion/admin/profils/"+itoa(spare.ID)+"/supprimer", nil), http.StatusSeeOther)
	if _, err := models.ProfileByID(t.Context(), a.DB, a.Commune.ID, spare.ID); err != models.ErrNotFound {
		t.Fatalf("the spare profile is still there: %v", err)
	}
}

// Two admins edit one profile: the second, who read it before the first
// saved, is told it changed meanwhile and sees it as it now is; nothing of
// theirs is stored.
func TestTwoAdminsEditingAProfile(t *testing.T) {
	a := newApp(t)
	second := a.NewAgent(t, "admin2", a.Profiles[perm.AdminProfile])
	p := a.NewProfile(t, "Urbanisme", perm.Set{perm.See})
	path := "/gestion/admin/profils/" + itoa(p.ID)
	one, two := a.signIn(a.Admin), a.signIn(second)
	version := one.get(path).Doc.Find("input[name=version]").AttrOr("value", "")
	if two.get(path).Doc.Find("input[name=version]").AttrOr("value", "") != version || version == "" {
		t.Fatalf("version %q", version)
	}
	mustStatus(t, one.post(path, url.Values{"nom": {"Urbanisme"}, "permissions": {"voir", "decider"}, "version": {version}}), http.StatusSeeOther)
	r := two.post(path, url.Values{"nom": {"Urbanisme et voirie"}, "permissions": {"voir", "exporter"}, "version": {version}})
	mustStatus(t, r, http.StatusConflict)
	mustContain(t, r, "modifié entre-temps")
	if !r.Doc.Find(`input[name=permissions][value=decider]`).Is("[checked]") || r.Doc.Find("#nom").AttrOr("value", "") != "Urbanisme" {
		t.Fatalf("not shown as it now is: %s", text(r))
	}
	got, err := models.ProfileByID(t.Context(), a.DB, a.Commune.ID, p.ID)
	fixture.Must(t, err)
	if got.Name != "Urbanisme" || got.Has(perm.Export) || !got.Has(perm.Decide) {
		t.Fatalf("stored %+v", got)
	}
}

// An admin cannot take the administer permission from themselves, by
// editing their profile or by changing it: the commune would lock itself out.
func TestAnAdminCannotLockTheCommuneOut(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	ap := a.Profiles[perm.AdminProfile]
	before := dbDigest(t, a)
	r := admin.post("/gestion/admin/profils/"+itoa(ap.ID), url.Values{"nom": {"Administrateur"}, "permissions": {"voir"}, "version": {itoa(int64(ap.Version))}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Vous ne pouvez pas vous retirer la permission « Administrer »")
	if !r.Doc.Find(`input[name=permissions][value=voir]`).Is("[checked]") {
		t.Fatalf("the input is lost: %s", text(r))
	}
	r = admin.post("/gestion/admin/agents/"+itoa(a.Admin.ID)+"/profil", url.Values{"profil": {itoa(a.Profiles[perm.AccueilProfile].ID)}})
	mustStatus(t, r, http.StatusForbidden)
	mustContain(t, r, "Vous ne pouvez pas vous retirer la permission « Administrer »")
	if dbDigest(t, a) != before {
		t.Fatal("a refused change was stored")
	}
	mustStatus(t, admin.get("/gestion/admin/profils"), http.StatusOK)
}

// One commune's admin can neither read, change, delete nor give another
// commune's profile.
func TestProfilesOfAnotherCommune(t *testing.T) {
	a := newApp(t)
	other := fixture.NewWorld(t, a.DB)
	theirs := other.Profiles[perm.SupervisorProfile]
	admin := a.signIn(a.Admin)
	before := dbDigest(t, a)
	for _, r := range []*response{
		admin.get("/gestion/admin/profils/" + itoa(theirs.ID)),
		admin.post("/gestion/admin/profils/"+itoa(theirs.ID), url.Values{"nom": {"Pris"}, "permissions": {"voir"}, "version": {"1"}}),
		admin.post("/gestion/admin/profils/"+itoa(theirs.ID)+"/supprimer", nil),
		admin.post("/gestion/admin/agents/"+itoa(other.Accueil.ID)+"/profil", url.Values{"profil": {itoa(a.Profiles[perm.AdminProfile].ID)}}),
	} {
		mustStatus(t, r, http.StatusNotFound)
	}
	r := admin.post("/gestion/admin/agents/"+itoa(a.Accueil.ID)+"/profil", url.Values{"profil": {itoa(theirs.ID)}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Choisissez le profil")
	r = admin.post("/gestion/admin/profils", url.Values{"nom": {"Ailleurs"}, "permissions": {"voir"}, "demarches": {itoa(other.Procedure.ID)}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if dbDigest(t, a) != before {
		t.Fatal("another commune's profile was changed")
	}
	mustContain(t, admin.get("/gestion/admin/profils"), "Agent d'accueil")
	if r := admin.get("/gestion/admin/profils"); offers(r, "/gestion/admin/profils/"+itoa(theirs.ID)) {
		t.Fatal("another commune's profile is listed")
	}
}
