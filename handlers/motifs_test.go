package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// motifID is the id of the motif of a path in a commune's tree.
func (a *app) motifID(t *testing.T, communeID int64, path string) int64 {
	t.Helper()
	for _, n := range a.motifs(communeID) {
		if n.Path == path {
			return n.ID
		}
	}
	t.Fatalf("no motif %q in %+v", path, a.motifs(communeID))
	return 0
}

// An admin builds the commune's tree of motifs: three levels at most, no
// two siblings of one name, no motif under itself; each refusal is French,
// beside its input, with what was typed kept. A motif is deactivated (and
// no more offered to the editor), never deleted.
func TestMotifTreeAdmin(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	const path = "/gestion/admin/motifs"
	page := admin.get(path)
	mustStatus(t, page, http.StatusOK)
	assertAccessible(t, page.Doc)
	if page.Doc.Find(`nav a[href="/gestion/admin/motifs"][aria-current="page"]`).Length() != 1 {
		t.Error("the menu does not show the motifs page")
	}
	add := func(name, parent string) *response {
		return admin.post(path, url.Values{"nom": {name}, "parent": {parent}})
	}
	mustStatus(t, add("Voirie", ""), http.StatusSeeOther)
	voirie := a.motifID(t, a.Commune.ID, "Voirie")
	mustStatus(t, add("Éclairage", itoa(voirie)), http.StatusSeeOther)
	eclairage := a.motifID(t, a.Commune.ID, "Voirie / Éclairage")
	mustStatus(t, add("Lampadaires", itoa(eclairage)), http.StatusSeeOther)
	lampadaires := a.motifID(t, a.Commune.ID, "Voirie / Éclairage / Lampadaires")

	refusals := []struct {
		name, parent, input, want string
	}{
		{"Ampoules", itoa(lampadaires), "parent", "trois niveaux au plus"},
		{"voirie", "", "nom", "existe déjà"},
		{"Voirie/Trottoirs", "", "nom", "« / »"},
		{"", "", "nom", "Indiquez le nom"},
		{"Parcs", "abc", "parent", "Choisissez le parent"},
	}
	for _, rf := range refusals {
		r := add(rf.name, rf.parent)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		if msg, _ := fieldError(r, rf.input); !strings.Contains(msg, rf.want) {
			t.Errorf("%q under %q: %q beside %s, want %q", rf.name, rf.parent, msg, rf.input, rf.want)
		}
		if got := r.Doc.Find("#nom").AttrOr("value", ""); got != rf.name {
			t.Errorf("%q: the name typed came back as %q", rf.name, got)
		}
	}
	// Moving Voirie under its own sous-motif is refused, with the input kept.
	r := admin.post(path+"/"+itoa(voirie), url.Values{"nom": {"Voirie et réseaux"}, "parent": {itoa(eclairage)}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	id := "m" + itoa(voirie)
	if msg, _ := fieldError(r, id+"-parent"); !strings.Contains(msg, "sous lui-même") || r.Doc.Find("#"+id+"-nom").AttrOr("value", "") != "Voirie et réseaux" {
		t.Errorf("move under itself: %q, name %q", msg, r.Doc.Find("#"+id+"-nom").AttrOr("value", ""))
	}
	// Renamed; Lampadaires moved to the top, a theme.
	mustStatus(t, admin.post(path+"/"+itoa(voirie), url.Values{"nom": {"Voirie et réseaux"}, "parent": {""}}), http.StatusSeeOther)
	mustStatus(t, admin.post(path+"/"+itoa(lampadaires), url.Values{"nom": {"Lampadaires"}, "parent": {""}}), http.StatusSeeOther)
	var paths []string
	for _, n := range a.motifs(a.Commune.ID) {
		paths = append(paths, n.Path)
	}
	if strings.Join(paths, "|") != "Lampadaires|Voirie et réseaux|Voirie et réseaux / Éclairage" {
		t.Errorf("tree: %v", paths)
	}

	mustStatus(t, admin.post(path+"/"+itoa(eclairage)+"/desactiver", nil), http.StatusSeeOther)
	page = admin.get(path)
	if row := page.Doc.Find("tr:contains('Voirie et réseaux / Éclairage')").Text(); !strings.Contains(row, "Désactivé") {
		t.Errorf("deactivated motif's row: %s", row)
	}
	editor := admin.get("/gestion/admin/demarches/nouvelle")
	if editor.Doc.Find(`#motif option[value="Voirie et réseaux / Éclairage"]`).Length() != 0 || editor.Doc.Find(`#motif option[value="Lampadaires"]`).Length() != 1 {
		t.Errorf("the editor's motifs: %s", editor.Doc.Find("#motif").Text())
	}
	mustStatus(t, admin.post(path+"/"+itoa(eclairage)+"/reactiver", nil), http.StatusSeeOther)
	if n, _ := a.motifs(a.Commune.ID).Find(eclairage); n.Inactive {
		t.Error("not reactivated")
	}
}

// Another commune's admin neither sees nor changes this commune's motifs:
// its own page lists none of them, and each route naming one answers 404.
func TestMotifsAreTheCommunes(t *testing.T) {
	a := newApp(t)
	mine := &models.Motif{CommuneID: a.Commune.ID, Name: "Chemins ruraux"}
	fixture.Must(t, models.CreateMotif(t.Context(), a.DB, mine))
	other := fixture.NewWorld(t, a.DB)
	intruder := a.signIn(other.Admin)
	if page := intruder.get("/gestion/admin/motifs"); strings.Contains(text(page), "Chemins ruraux") {
		t.Errorf("another commune's admin sees this commune's motif: %s", text(page))
	}
	for _, p := range []string{"", "/desactiver", "/reactiver"} {
		r := intruder.post("/gestion/admin/motifs/"+itoa(mine.ID)+p, url.Values{"nom": {"Volé"}})
		mustStatus(t, r, http.StatusNotFound)
	}
	// Nor can it put one under this commune's motif.
	r := intruder.post("/gestion/admin/motifs", url.Values{"nom": {"Intrus"}, "parent": {itoa(mine.ID)}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if got := a.motifs(a.Commune.ID); len(got) != 1 || got[0].Name != "Chemins ruraux" || !got[0].Active {
		t.Errorf("this commune's tree changed: %+v", got)
	}
	if got := a.motifs(other.Commune.ID); len(got) != 0 {
		t.Errorf("the intruder's tree: %+v", got)
	}
}

// A demand gets its procedure's default motif at submission; an agent who
// may decide changes it on the demand's page (a history entry), and the
// indicators count it as a reclassification, away from one motif and to
// another. A motif of another commune is refused.
func TestReclassificationIsRecordedAndCounted(t *testing.T) {
	a := newApp(t)
	procs := a.demoProcedures()
	d := a.submitDemo(t, procs["acte-etat-civil"], "classe@exemple.fr")
	from := a.motifID(t, a.Commune.ID, "État civil / Actes d'état civil")
	if d.MotifID == nil || *d.MotifID != from {
		t.Fatalf("motif at submission: %v, want %d", d.MotifID, from)
	}
	to := a.motifID(t, a.Commune.ID, "Espace public / Signalements")
	agent := a.signIn(a.Accueil)
	demand := "/gestion/demandes/" + itoa(d.ID)

	foreign := &models.Motif{CommuneID: fixture.NewWorld(t, a.DB).Commune.ID, Name: "Ailleurs"}
	fixture.Must(t, models.CreateMotif(t.Context(), a.DB, foreign))
	r := agent.post(demand+"/motif", url.Values{"motif": {itoa(foreign.ID)}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if msg, _ := fieldError(r, "motif-motif"); !strings.Contains(msg, "n'existe pas") {
		t.Errorf("another commune's motif: %q", msg)
	}

	mustStatus(t, agent.post(demand+"/motif", url.Values{"motif": {itoa(to)}}), http.StatusSeeOther)
	page := agent.get(demand)
	if got := page.Doc.Find(".summary dt:contains('Motif') + dd").Text(); got != "Espace public / Signalements" {
		t.Errorf("motif shown: %q", got)
	}
	if !strings.Contains(text(page), "Motif changé : Espace public / Signalements") {
		t.Errorf("no history entry: %s", text(page))
	}
	version := d.Version
	if d = a.reload(t, d); d.MotifID == nil || *d.MotifID != to || d.Version != version {
		t.Errorf("stored motif %v, version %d (a reclassification does not stale the page)", d.MotifID, d.Version)
	}

	// Two reports of the motif decided after one and three days: a median of two.
	quick, slow := a.submitDemo(t, procs["signalement-dysfonctionnement"], "vite@exemple.fr"), a.submitDemo(t, procs["signalement-dysfonctionnement"], "lent@exemple.fr")
	a.Clock.Advance(24 * time.Hour)
	a.Apply(t, quick, workflow.Accept, workflow.AgentActor(a.Accueil), workflow.Input{})
	a.Clock.Advance(48 * time.Hour)
	a.Apply(t, slow, workflow.Accept, workflow.AgentActor(a.Accueil), workflow.Input{})

	ind := a.signIn(a.Supervisor).get("/gestion/supervision/indicateurs")
	mustStatus(t, ind, http.StatusOK)
	row := func(path string) string {
		var cells []string
		ind.Doc.Find("table.indicators-motifs tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return s.Find("th").Text() == path
		}).Find("th, td").Each(func(_ int, c *goquery.Selection) { cells = append(cells, c.Text()) })
		return strings.Join(cells, " ")
	}
	// Received, decided, median delay, reclassified to, reclassified from.
	if got := row("Espace public / Signalements"); got != "Espace public / Signalements 3 2 2 j 1 0" {
		t.Errorf("to: %q", got)
	}
	if got := row("État civil / Actes d'état civil"); got != "État civil / Actes d'état civil 0 0 — 0 1" {
		t.Errorf("from: %q", got)
	}
}
