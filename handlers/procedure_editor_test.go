package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/forms"
	"guichet/models"
	"guichet/workflow"
)

// editorValues is what the editor's form of a page sends.
func editorValues(t testing.TB, r *response) url.Values {
	t.Helper()
	f := r.Doc.Find("form.procedure-editor")
	if f.Length() != 1 {
		t.Fatalf("no editor on the page (%d): %s", r.StatusCode, text(r))
	}
	return formValues(f)
}

// press sends the editor's form with the button op.
func press(c *client, path string, v url.Values, op string) *response {
	v.Set("op", op)
	return c.post(path, v)
}

// An admin builds a procedure in the browser, field by field, every button
// re-rendering the form with everything kept; an invalid save keeps it all
// with the errors beside the fields; the procedure is created unpublished,
// previewed with the citizen's own page, then published.
func TestEditorBuildsAProcedure(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	list := admin.get("/gestion/admin/demarches")
	mustStatus(t, list, http.StatusOK)
	assertAccessible(t, list.Doc)
	if list.Doc.Find(`nav a[href="/gestion/admin/demarches"][aria-current="page"]`).Length() != 1 {
		t.Error("the menu does not show the procedures page")
	}

	const path = "/gestion/admin/demarches/nouvelle"
	page := admin.get(path)
	mustStatus(t, page, http.StatusOK)
	assertAccessible(t, page.Doc)
	v := editorValues(t, page)
	v.Set("slug", "eclairage")
	v.Set("titre", "Panne d'éclairage")
	v.Set("documents", "Une photo\nLe numéro du lampadaire")
	v.Set("f0-label", "Type de panne")
	v.Set("f0-name", "type")
	v.Set("f0-type", "choice")
	page = press(admin, path, v, "actualiser") // the choice's own inputs appear
	mustStatus(t, page, http.StatusOK)
	if page.Doc.Find("#f0-options").Length() != 1 || page.Doc.Find("#f0-label").AttrOr("value", "") != "Type de panne" {
		t.Fatalf("type change: %s", text(page))
	}
	v = editorValues(t, page)
	v.Set("f0-options", "Lampadaire éteint\nLampadaire allumé le jour")
	v.Set("f0-control", "radio")
	v.Set("nouveau_type", "text")
	page = press(admin, path, v, "ajouter")
	v = editorValues(t, page)
	v.Set("f1-label", "Numéro du lampadaire")
	v.Set("f1-name", "numero")
	v.Set("f1-required", "oui")
	v.Set("f1-si_champ", "type")
	v.Set("f1-si_valeur", "Lampadaire éteint")
	v.Set("nouveau_type", "period")
	page = press(admin, path, v, "ajouter")
	v = editorValues(t, page)
	v.Set("f2-label", "Dates de la panne")
	v.Set("nouveau_type", "heading")
	page = press(admin, path, v, "ajouter")
	v = editorValues(t, page)
	v.Set("f3-label", "Pour finir")
	page = press(admin, path, v, "monter:3") // the heading above the period
	v = editorValues(t, page)
	if v.Get("f2-type") != "heading" || v.Get("f3-label") != "Dates de la panne" || v.Get("f1-si_valeur") != "Lampadaire éteint" {
		t.Fatalf("move: %v", v)
	}

	// The period has no name: refused, beside it and in the summary, all kept.
	r := press(admin, path, v, "enregistrer")
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	if msg, invalid := fieldError(r, "f3-name"); !invalid || !strings.Contains(msg, "Champ 4 (« Dates de la panne ») : le nom doit commencer") {
		t.Fatalf("error beside the name: %q %s", msg, text(r))
	}
	if r.Doc.Find(`.error-summary a[href="#f3-name"]`).Length() != 1 {
		t.Fatal("the error summary does not link to the field")
	}
	v.Del("op")
	if !reflect.DeepEqual(editorValues(t, r), v) {
		t.Fatalf("input lost:\n%v\n%v", editorValues(t, r), v)
	}
	v.Set("f3-name", "dates")
	v.Set("f3-required", "oui")
	r = press(admin, path, v, "enregistrer")
	mustStatus(t, r, http.StatusSeeOther)
	p, err := models.ProcedureBySlug(context.Background(), a.DB, a.Commune.ID, "eclairage")
	fixture.Must(t, err)
	want := []models.Field{
		{Name: "type", Label: "Type de panne", Type: "choice", Options: []string{"Lampadaire éteint", "Lampadaire allumé le jour"}, Control: "radio"},
		{Name: "numero", Label: "Numéro du lampadaire", Type: "text", Required: true, ShowIf: &models.Condition{Field: "type", Equals: "Lampadaire éteint"}},
		{Label: "Pour finir", Type: "heading"},
		{Name: "dates", Label: "Dates de la panne", Type: "period", Required: true},
	}
	if p.Active || !reflect.DeepEqual(p.Form, want) || p.CreatedByName != a.Admin.Name || !reflect.DeepEqual(p.Documents, []string{"Une photo", "Le numéro du lampadaire"}) {
		t.Fatalf("saved: %+v %+v", p, p.Form)
	}
	citizen := a.client()
	mustStatus(t, citizen.get("/c/"+a.Commune.Slug+"/demarches/eclairage"), http.StatusNotFound)

	// The preview is the citizen's draft page, condition spelled out.
	editPath := "/gestion/admin/demarches/" + itoa(p.ID)
	preview := admin.get(editPath + "/apercu")
	mustStatus(t, preview, http.StatusOK)
	assertAccessible(t, preview.Doc)
	if preview.Doc.Find(`form.demand-form input[type="radio"][name="type"]`).Length() != 2 ||
		preview.Doc.Find(`.conditional[data-si-champ="type"] .condition`).Text() != "À remplir si « Type de panne » vaut « Lampadaire éteint »." ||
		preview.Doc.Find("#champ-dates-fin").Length() != 1 || preview.Doc.Find("h2.form-heading").Text() != "Pour finir" ||
		preview.Doc.Find("nav.site-nav").Length() != 0 {
		t.Fatalf("preview: %s", text(preview))
	}
	// Its buttons check as the submission would, and keep nothing.
	_, pv := demandForm(t, preview)
	pv.Set("type", "Lampadaire éteint")
	pv.Set("dates:debut", "2026-12-10")
	pv.Set("dates:fin", "2026-12-01")
	checked := admin.postMultipart(editPath+"/apercu/deposer", pv, nil, false)
	mustStatus(t, checked, http.StatusUnprocessableEntity)
	if msg, _ := fieldError(checked, "champ-numero"); !strings.Contains(msg, "Renseignez « Numéro du lampadaire ».") {
		t.Fatalf("preview check: %s", text(checked))
	}
	if msg, _ := fieldError(checked, "champ-dates"); !strings.Contains(msg, "La date de fin doit être postérieure") {
		t.Fatalf("preview check: %s", text(checked))
	}

	edit := admin.get(editPath)
	r = admin.post(editPath+"/publier", url.Values{"_revision": {edit.Doc.Find(`form[action$="/publier"] input[name="_revision"]`).AttrOr("value", "")}})
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, admin.follow(r), "publiée")
	mustStatus(t, citizen.get("/c/"+a.Commune.Slug+"/demarches/eclairage"), http.StatusOK)
}

// A demand keeps the version it was filled in with: edited afterwards, the
// procedure gets a version 2 that the portal shows, while the demand's
// pages still show version 1's labels. A hidden required field is not
// required, and its value is dropped.
func TestDemandKeepsItsVersion(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	p := &models.Procedure{CommuneID: a.Commune.ID, Slug: "eclairage", Active: true, ProcedureVersion: models.ProcedureVersion{
		Title: "Panne d'éclairage", Documents: []string{}, Form: []models.Field{
			{Name: "nom", Label: "Nom", Type: "text", Required: true},
			{Name: "type", Label: "Type", Type: "choice", Required: true, Options: []string{"Éclairage", "Voirie"}},
			{Name: "numero", Label: "Numéro du lampadaire", Type: "text", Required: true, ShowIf: &models.Condition{Field: "type", Equals: "Éclairage"}},
		}}}
	fixture.Must(t, models.CreateProcedure(ctx, a.DB, p))
	citizen := a.client()
	draft := startDraft(t, citizen, a.Commune.Slug, "eclairage", "claude@exemple.fr")
	_, v := demandForm(t, citizen.get(draft))
	v.Set("nom", "Claude Dupont")
	v.Set("type", "Voirie")
	v.Set("numero", "L12") // typed, then hidden by the choice
	r := citizen.postMultipart(draft+"/deposer", v, nil, false)
	mustStatus(t, r, http.StatusSeeOther)
	d := a.onlyDemand(t)
	if d.State != workflow.Submitted || d.ProcedureVersion != 1 || d.Data["numero"] != nil {
		t.Fatalf("submitted: %s v%d %v", d.State, d.ProcedureVersion, d.Data)
	}

	// The admin renames the first question: version 2.
	admin := a.signIn(a.Admin)
	editPath := "/gestion/admin/demarches/" + itoa(p.ID)
	ev := editorValues(t, admin.get(editPath))
	ev.Set("f0-label", "Nom et prénom")
	r = press(admin, editPath, ev, "enregistrer")
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, admin.follow(r), "Nouvelle version 2 enregistrée")

	portal := citizen.get("/c/" + a.Commune.Slug + "/demarches/eclairage")
	mustContain(t, portal, "Nom et prénom")
	agent := a.signIn(a.Accueil)
	page := agent.get("/gestion/demandes/" + itoa(d.ID))
	mustStatus(t, page, http.StatusOK)
	body := text(page)
	if !strings.Contains(body, "Version 1 du ") || strings.Contains(body, "Nom et prénom") || !strings.Contains(body, "Claude Dupont") {
		t.Fatalf("the agent's page does not show version 1: %s", body)
	}
	follow := citizen.get(draft)
	if b := text(follow); !strings.Contains(b, "Version 1 du ") || strings.Contains(b, "Nom et prénom") || strings.Contains(b, "Numéro du lampadaire") {
		t.Fatalf("the citizen's page does not show version 1: %s", b)
	}
	// A new draft takes version 2.
	startDraft(t, a.client(), a.Commune.Slug, "eclairage", "dominique@exemple.fr")
	var versions []int
	fixture.Must(t, a.DB.NewSelect().Model((*models.Demand)(nil)).Column("procedure_version").Where("procedure_id = ?", p.ID).Order("id").Scan(ctx, &versions))
	if !reflect.DeepEqual(versions, []int{1, 2}) {
		t.Fatalf("versions: %v", versions)
	}
}

// Two admins edit at once: the second save is told the procedure changed
// meanwhile, keeps what it typed, and changes nothing.
func TestEditorRefusesAStaleSave(t *testing.T) {
	a := newApp(t)
	first, second := a.signIn(a.Admin), a.signIn(a.Admin)
	editPath := "/gestion/admin/demarches/" + itoa(a.Procedure.ID)
	v1, v2 := editorValues(t, first.get(editPath)), editorValues(t, second.get(editPath))
	v1.Set("titre", "Titre du premier")
	mustStatus(t, press(first, editPath, v1, "enregistrer"), http.StatusSeeOther)
	v2.Set("titre", "Titre du second")
	r := press(second, editPath, v2, "enregistrer")
	mustStatus(t, r, http.StatusConflict)
	assertAccessible(t, r.Doc)
	mustContain(t, r, "modifiée entre-temps")
	if r.Doc.Find("#titre").AttrOr("value", "") != "Titre du second" {
		t.Fatal("the second admin's input is lost")
	}
	p, err := models.ProcedureByID(context.Background(), a.DB, a.Commune.ID, a.Procedure.ID)
	fixture.Must(t, err)
	if p.Title != "Titre du premier" {
		t.Fatalf("title %q", p.Title)
	}
	// Publishing from a page shown before a change is refused too.
	r = second.post(editPath+"/depublier", url.Values{"_revision": {v2.Get("_revision")}})
	mustContain(t, second.follow(r), "modifiée entre-temps")
	if p, _ = models.ProcedureByID(context.Background(), a.DB, a.Commune.ID, a.Procedure.ID); !p.Active {
		t.Fatal("unpublished from a stale page")
	}
}

// Export writes the file the import reads: imported into another commune,
// the procedure is the same; imported back over itself, it is a new version.
func TestEditorExportImportRoundTrip(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	demo := a.demoProcedures()["occupation-domaine-public"]
	admin := a.signIn(a.Admin)
	res, body := admin.download("/gestion/admin/demarches/" + itoa(demo.ID) + "/export.yaml")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "occupation-domaine-public.yaml") {
		t.Fatalf("export: %d %v", res.StatusCode, res.Header)
	}
	other := fixture.NewWorld(t, a.DB)
	oc := a.signIn(other.Admin)
	r := oc.postFile("/gestion/admin/demarches/import", nil, "fichier", "occupation.yaml", body)
	mustStatus(t, r, http.StatusSeeOther)
	got, err := models.ProcedureBySlug(ctx, a.DB, other.Commune.ID, "occupation-domaine-public")
	fixture.Must(t, err)
	// The motif, named by its path, is created in the other commune's tree.
	gotDef, demoDef := forms.DefinitionOf(got, a.motifs(other.Commune.ID)), forms.DefinitionOf(demo, a.motifs(a.Commune.ID))
	if got.Active || demoDef.Motif == "" || demoDef.Silence != "rejet" || !reflect.DeepEqual(gotDef, demoDef) {
		t.Fatalf("round trip:\n%+v\n%+v", gotDef, demoDef)
	}
	// Over a published procedure, a new version.
	r = admin.postFile("/gestion/admin/demarches/import", nil, "fichier", "occupation.yaml", []byte(strings.Replace(string(body), "Demande d'occupation du domaine public", "Occupation du domaine public", 1)))
	mustStatus(t, r, http.StatusSeeOther)
	again, _ := models.ProcedureBySlug(ctx, a.DB, a.Commune.ID, "occupation-domaine-public")
	if again.Latest != 2 || again.Title != "Occupation du domaine public" || !again.Active {
		t.Fatalf("re-import: v%d %q %v", again.Latest, again.Title, again.Active)
	}
	// A broken, a binary or an oversized file is refused in French, beside the input.
	for name, content := range map[string][]byte{
		"cassé.yaml": []byte("- slug: x\n  title: X\n  fields: [{name: a, label: A, type: liste}]\n"),
		"image.png":  pngFile(),
		"gros.yaml":  []byte(strings.Repeat("# commentaire\n", 30000)),
	} {
		r := admin.postFile("/gestion/admin/demarches/import", nil, "fichier", name, content)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		assertAccessible(t, r.Doc)
		if msg, invalid := fieldError(r, "fichier"); !invalid || msg == "" {
			t.Errorf("%s: %q", name, msg)
		}
	}
}

// The editor is the admin's, and each commune's: an accueil agent is
// refused, another commune's admin finds nothing and changes nothing.
func TestEditorRefusesOthers(t *testing.T) {
	a := newApp(t)
	editPath := "/gestion/admin/demarches/" + itoa(a.Procedure.ID)
	agent := a.signIn(a.Accueil)
	for _, path := range []string{"/gestion/admin/demarches", "/gestion/admin/demarches/nouvelle", editPath, editPath + "/apercu", editPath + "/export.yaml"} {
		r := agent.get(path)
		mustStatus(t, r, http.StatusForbidden)
		mustContain(t, r, "Accès refusé")
	}
	other := fixture.NewWorld(t, a.DB)
	oc := a.signIn(other.Admin)
	for _, path := range []string{editPath, editPath + "/apercu", editPath + "/export.yaml"} {
		r := oc.get(path)
		mustStatus(t, r, http.StatusNotFound)
	}
	for _, path := range []string{editPath, editPath + "/publier", editPath + "/depublier", editPath + "/dupliquer", editPath + "/apercu/deposer"} {
		for _, c := range []*client{agent, oc} {
			r := c.post(path, url.Values{"op": {"enregistrer"}, "titre": {"Piraté"}, "champs": {"1"}, "f0-type": {"text"},
				"f0-name": {"x"}, "f0-label": {"X"}, "_revision": {"1"}, "copie-slug": {"copie"}})
			if r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %d", path, r.StatusCode)
			}
			if !strings.Contains(text(r), "Introuvable") && !strings.Contains(text(r), "Accès refusé") {
				t.Errorf("%s: no French refusal: %s", path, text(r))
			}
		}
	}
	p, err := models.ProcedureByID(context.Background(), a.DB, a.Commune.ID, a.Procedure.ID)
	fixture.Must(t, err)
	if p.Title != a.Procedure.Title || !p.Active || p.Revision != 1 {
		t.Fatalf("changed: %+v", p)
	}
	n, err := a.DB.NewSelect().Model((*models.Procedure)(nil)).Where("slug = 'copie'").Count(context.Background())
	fixture.Must(t, err)
	if n != 0 {
		t.Fatal("duplicated by an outsider")
	}
}
