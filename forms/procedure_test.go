package forms_test

import (
	"os"
	"strings"
	"testing"

	"guichet/forms"
)

func TestDemoProceduresParse(t *testing.T) {
	src, err := os.ReadFile("../demo/procedures.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defs, err := forms.Parse(src)
	if err != nil || len(defs) != 3 {
		t.Fatalf("demo: %d procedures, %v", len(defs), err)
	}
}

func TestParseAcceptsJSONAndASingleProcedure(t *testing.T) {
	defs, err := forms.Parse([]byte(`{"slug": "etat-civil", "title": "Acte de naissance", "fields": [{"name": "nom", "label": "Nom", "type": "text", "max_length": 80}]}`))
	if err != nil || len(defs) != 1 || defs[0].Fields[0].MaxLen != 80 {
		t.Fatalf("%+v %v", defs, err)
	}
}

// A procedure names its lifecycle's variant; an unknown one is refused,
// in French, with the variants there are.
func TestParseChecksTheVariant(t *testing.T) {
	const form = "\nfields: [{name: nom, label: Nom, type: text}]"
	defs, err := forms.Parse([]byte("slug: acte\ntitle: Acte\nvariante: sans_service" + form))
	if err != nil || defs[0].Procedure(1).Variant != "sans_service" {
		t.Fatalf("%+v %v", defs, err)
	}
	_, err = forms.Parse([]byte("slug: acte\ntitle: Acte\nvariante: express" + form))
	want := "démarche « acte » : variante « express » inconnue (variantes possibles : sans_service, standard)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %q", err, want)
	}
}

// Each mistake gets a French message naming the procedure and field at
// fault, and all of them are reported at once.
func TestParseErrorsAreClear(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"unreadable", "slug: [", []string{"fichier illisible"}},
		{"unknown key", "slug: a\ntitle: A\nfileds: []", []string{"fichier illisible", "fileds"}},
		{"empty", "[]", []string{"aucune démarche"}},
		{"bad slug, no title, no fields", "- slug: Mauvais Slug\n", []string{
			"démarche « Mauvais Slug » : « slug » doit être fait de minuscules",
			"« title » est obligatoire", "au moins un champ"}},
		{"duplicate slug", "- {slug: a, title: A, fields: [{name: x, label: X, type: text}]}\n- {slug: a, title: B, fields: [{name: x, label: X, type: text}]}", []string{
			"démarche « a » : identifiant (slug) en double"}},
		{"field problems", `
slug: travaux
title: Travaux
fields:
  - {name: Nom, label: Nom, type: text}
  - {name: x, type: texte}
  - {name: x, label: X, type: text}
  - {name: choix, label: Choix, type: choice}
  - {name: age, label: Âge, type: number, min: 10, max: 5}
  - {name: cases, label: Cases, type: checkboxes, options: [A, A], min: 3}
  - {name: date, label: Date, type: date, max_length: 10, options: [x]}
  - {name: fin, label: Fin, type: date, not_before: debut}
  - {name: debut, label: Début, type: date}
  - {name: jours, label: Jours, type: number, not_before: debut}
`, []string{
			"démarche « travaux » : champ « Nom » : « name » doit commencer par une lettre minuscule",
			"champ « x » : « label » est obligatoire",
			"champ « x » : type « texte » inconnu (types possibles : text, textarea, email, phone, date, number, choice, checkboxes, address, file)",
			"champ « x » : nom en double",
			"champ « choix » : une liste de choix doit avoir des « options »",
			"champ « age » : « min » est plus grand que « max »",
			"champ « cases » : option « A » en double",
			"champ « cases » : pour des cases à cocher, « min » et « max » sont des nombres de cases, entre 0 et 2",
			"champ « date » : « max_length » ne s'applique qu'aux champs de texte",
			"champ « date » : « options » ne s'applique qu'aux types choice et checkboxes",
			"champ « fin » : « not_before » doit nommer un champ de type date placé avant lui",
			"champ « jours » : « not_before » ne s'applique qu'aux dates",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := forms.Parse([]byte(tc.src))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestDemandName(t *testing.T) {
	for _, tc := range []struct{ title, want string }{
		{"Demande d'occupation du domaine public", "demande d'occupation du domaine public"},
		{"demande de raccordement", "demande de raccordement"},
		{"Signalement d'un dysfonctionnement", "demande «\u00a0Signalement d'un dysfonctionnement\u00a0»"},
		{"Demandes groupées", "demande «\u00a0Demandes groupées\u00a0»"},
	} {
		if got := forms.DemandName(tc.title); got != tc.want {
			t.Errorf("DemandName(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
}

// A file the YAML library cannot read (it panics on some, such as the five
// bytes "!0 00") is refused with a message, like any unreadable file.
func TestParseRefusesWhatCrashesTheYAMLLibrary(t *testing.T) {
	_, err := forms.Parse([]byte("!0 00"))
	if err == nil || !strings.HasPrefix(err.Error(), "fichier illisible : ") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzParse: whatever the file, Parse answers (definitions or a French
// refusal) and never panics.
func FuzzParse(f *testing.F) {
	// Small seeds: the fuzzer minimizes what it finds, slowly on long input.
	f.Add([]byte("- slug: a\n  title: A\n  documents: [Plan]\n  fields:\n    - {name: t, label: T, type: text, max_length: 9}\n    - {name: c, label: C, type: checkboxes, min: 1, options: [x, y]}\n"))
	f.Add([]byte("!0 00")) // panicked inside goccy/go-yaml v1.19.2
	f.Add([]byte(`{"slug": "a", "title": "A", "fields": [{"name": "x", "label": "X", "type": "number", "min": 1}]}`))
	f.Add([]byte("- slug: a\n  title: A\n  fields: [{name: x, label: X, type: date, not_before: y}]\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defs, err := forms.Parse(src)
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "fichier illisible") && !strings.HasPrefix(msg, "définition invalide") {
				t.Fatalf("refusal without its French heading: %v", err)
			}
			return
		}
		if len(defs) == 0 {
			t.Fatal("no definition and no error")
		}
	})
}
