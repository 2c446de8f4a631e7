package handlers_test

import (
	"net/http"
	"os"
	"strings"
	"testing"
)

// A procedure whose legal set-up lacks a mandatory element is refused, at
// save and at import, with a French message naming it, what was typed
// kept: silence set without a delay, a delay that is none, a commune whose
// identity lacks what the acknowledgement must give (R112-5). An imported
// motif path the commune lacks is created, and the admin is told.
func TestProcedureLegalSetupIsChecked(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	const path = "/gestion/admin/demarches/nouvelle"
	page := admin.get(path)
	if page.Doc.Find("#silence option[selected]").AttrOr("value", "") != "acceptation" || page.Doc.Find("#delai_nombre").AttrOr("value", "") != "2" ||
		page.Doc.Find("#delai_unite option[selected]").AttrOr("value", "") != "mois" {
		t.Errorf("a new procedure does not default to acceptance after two months")
	}
	v := editorValues(t, page)
	v.Set("slug", "terrasse")
	v.Set("titre", "Terrasse de café")
	v.Set("f0-label", "Surface")
	v.Set("f0-name", "surface")
	for _, tc := range []struct{ silence, n, input, want string }{
		{"acceptation", "", "delai_nombre", "« silence vaut acceptation » demande un délai"},
		{"rejet", "deux", "delai_nombre", "doit être un nombre"},
		{"rejet", "0", "delai_nombre", "au moins 1"},
		{"peut-être", "2", "silence", "est inconnue"},
	} {
		v.Set("silence", tc.silence)
		v.Set("delai_nombre", tc.n)
		r := press(admin, path, v, "enregistrer")
		mustStatus(t, r, http.StatusUnprocessableEntity)
		if msg, _ := fieldError(r, tc.input); !strings.Contains(msg, tc.want) {
			t.Errorf("silence %q, delay %q: %q beside %s, want %q", tc.silence, tc.n, msg, tc.input, tc.want)
		}
		if r.Doc.Find("#titre").AttrOr("value", "") != "Terrasse de café" || r.Doc.Find("#delai_nombre").AttrOr("value", "") != tc.n {
			t.Errorf("input lost: %s", text(r))
		}
	}

	// A commune without a phone: a procedure whose silence decides is refused.
	a.exec("UPDATE communes SET phone = '' WHERE id = ?", a.Commune.ID)
	v.Set("silence", "rejet")
	v.Set("delai_nombre", "2")
	r := press(admin, path, v, "enregistrer")
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if msg, _ := fieldError(r, "silence"); !strings.Contains(msg, "R112-5") || !strings.Contains(msg, "téléphone") {
		t.Errorf("commune without phone: %q", msg)
	}
	demo, err := os.ReadFile("../demo/procedures.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r = admin.postFile("/gestion/admin/demarches/import", nil, "fichier", "demo.yaml", demo)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if msg, _ := fieldError(r, "fichier"); !strings.Contains(msg, "démarche « occupation-domaine-public »") || !strings.Contains(msg, "téléphone") ||
		strings.Contains(msg, "signalement-dysfonctionnement") { // its silence decides nothing
		t.Errorf("import into a commune without phone: %q", msg)
	}
	if len(a.motifs(a.Commune.ID)) != 0 {
		t.Error("a refused import created motifs")
	}
	// Without silence, nothing is required of the commune.
	v.Set("silence", "aucune")
	mustStatus(t, press(admin, path, v, "enregistrer"), http.StatusSeeOther)

	a.exec("UPDATE communes SET phone = '01 23 45 67 89' WHERE id = ?", a.Commune.ID)
	yaml := "slug: feux\ntitle: Feu d'artifice\nmotif: Culture / Fêtes / Feux d'artifice\nsilence: rejet\ndelai: 1 mois\nfields:\n  - {name: date, label: Date, type: date}\n"
	r = admin.postFile("/gestion/admin/demarches/import", nil, "fichier", "feux.yaml", []byte(yaml))
	mustStatus(t, r, http.StatusSeeOther)
	if got := text(admin.follow(r)); !strings.Contains(got, "Motif(s) créé(s)") || !strings.Contains(got, "« Culture / Fêtes / Feux d'artifice »") {
		t.Errorf("the import does not say which motifs it created: %s", got)
	}
	var paths []string
	for _, n := range a.motifs(a.Commune.ID) {
		paths = append(paths, n.Path)
	}
	if strings.Join(paths, "|") != "Culture|Culture / Fêtes|Culture / Fêtes / Feux d'artifice" {
		t.Errorf("tree after import: %v", paths)
	}
	// Imported again, it finds them: nothing more is created.
	r = admin.postFile("/gestion/admin/demarches/import", nil, "fichier", "feux.yaml", []byte(strings.Replace(yaml, "Feu d'artifice", "Feux d'artifice", 1)))
	mustStatus(t, r, http.StatusSeeOther)
	if got := text(admin.follow(r)); strings.Contains(got, "créé") || len(a.motifs(a.Commune.ID)) != 3 {
		t.Errorf("second import: %s", got)
	}
}
