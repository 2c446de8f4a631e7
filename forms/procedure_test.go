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
			"démarche « Mauvais Slug » : l'identifiant doit être fait de minuscules",
			"le titre est obligatoire", "au moins un champ"}},
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
  - {name: avant, label: Avant, type: text, show_if: {field: apres, equals: "1"}}
  - {name: apres, label: Après, type: choice, options: ["1", "2"]}
  - {name: texte, label: Texte, type: text, show_if: {field: date, equals: "x"}}
  - {name: valeur, label: Valeur, type: text, show_if: {field: apres, equals: "3"}}
  - {type: heading, label: Section, required: true}
  - {name: liste, label: Liste, type: choice, control: cases, options: [a]}
`, []string{
			"démarche « travaux » : champ « Nom », « name » : le nom doit commencer par une lettre minuscule",
			"champ « x », « label » : le libellé est obligatoire",
			"champ « x », « type » : type « texte » inconnu (types possibles : heading, text, textarea, choice, checkboxes, checkbox, date, period, number, email, phone, address, file)",
			"champ « x », « name » : nom « x » déjà pris par un autre champ",
			"champ « choix », « options » : une liste de choix doit avoir des options",
			"champ « age », « max » : le maximum est plus petit que le minimum",
			"champ « cases », « options » : option « A » en double",
			"champ « cases », « min » : pour un choix multiple, les bornes sont des nombres de cases, entre 0 et 2",
			"champ « date », « max_length » : la longueur maximale ne s'applique qu'aux champs de texte",
			"champ « date », « options » : les options ne s'appliquent qu'aux listes de choix",
			"champ « avant », « show_if » : la condition doit nommer un champ placé avant celui-ci (« apres » n'en est pas un)",
			"champ « texte », « show_if » : la condition doit porter sur un choix ou une case à cocher, pas sur « Date »",
			"champ « valeur », « show_if » : « 3 » n'est pas une des options de « Après »",
			"champ n°12, « required » : un titre de section ne demande rien",
			"champ « liste », « control » : la présentation (select ou radio)",
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
	f.Add([]byte("- slug: a\n  title: A\n  fields: [{name: x, label: X, type: period}, {name: y, label: Y, type: date, show_if: {field: x, equals: z}}]\n"))
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
