package forms_test

import (
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"

	"guichet/forms"
)

// What Export writes, Parse reads back the same, every type and attribute
// included.
func TestExportRoundTrips(t *testing.T) {
	src, err := os.ReadFile("../demo/procedures.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defs, err := forms.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	defs = append(defs, everyType)
	out, err := forms.Export(defs)
	if err != nil {
		t.Fatal(err)
	}
	back, err := forms.Parse(out)
	if err != nil || !reflect.DeepEqual(back, defs) {
		t.Fatalf("round trip: %v\n%s\n%+v\n%+v", err, out, back, defs)
	}
}

var everyType = mustParse(`
slug: tout
title: Tous les champs
description: Une démarche de test.
motif: Voirie > Éclairage
documents: [Une photo]
fields:
  - {type: heading, label: Le problème}
  - {name: type, label: Type, type: choice, control: radio, required: true, options: [Éclairage, Voirie]}
  - {name: lampadaire, label: Numéro du lampadaire, type: text, max_length: 20, show_if: {field: type, equals: Éclairage}}
  - {name: details, label: Détails, type: textarea, help: Ce que vous avez vu.}
  - {name: quand, label: Quand, type: checkboxes, min: 1, max: 2, options: [Le jour, La nuit]}
  - {name: jour, label: Date, type: date}
  - {name: periode, label: Période, type: period, required: true}
  - {name: nombre, label: Nombre, type: number, min: 0, max: 10.5}
  - {name: courriel, label: Courriel, type: email}
  - {name: tel, label: Téléphone, type: phone}
  - {name: adresse, label: Adresse, type: address}
  - {name: photo, label: Photo, type: file}
  - {name: atteste, label: J'atteste sur l'honneur, type: checkbox, required: true}
`)

func mustParse(src string) forms.Definition {
	defs, err := forms.Parse([]byte(src))
	if err != nil {
		panic(err)
	}
	return defs[0]
}

// The editor holds what was typed; what it reads back is the definition it
// was given, and its buttons add, move and remove fields.
func TestEditorRoundTripsAndMoves(t *testing.T) {
	e := forms.EditorOf(everyType)
	v := url.Values{"slug": {e.Slug}, "titre": {e.Title}, "description": {e.Description}, "documents": {e.Documents},
		"motif": {e.Motif}, "variante": {e.Variant}, "champs": {"13"}}
	for i, f := range e.Fields {
		set := func(attr, val string) { v.Set(forms.EditorInput(i, attr), val) }
		set("type", f.Type)
		set("name", f.Name)
		set("label", f.Label)
		set("help", f.Help)
		set("options", strings.ReplaceAll(f.Options, "\n", "\r\n"))
		set("control", f.Control)
		set("min", f.Min)
		set("max", f.Max)
		set("max_length", f.MaxLen)
		set("si_champ", f.IfField)
		set("si_valeur", f.IfValue)
		if f.Required {
			set("required", "1")
		}
	}
	read := forms.ReadEditor(v)
	d, errs := read.Definition()
	if len(errs) != 0 || !reflect.DeepEqual(d, everyType) {
		t.Fatalf("editor round trip: %v\n%+v\n%+v", errs, d, everyType)
	}
	read.Apply("monter:2", "")
	read.Apply("ajouter", "period")
	read.Apply("retirer:0", "")
	if read.Fields[0].Name != "lampadaire" || read.Fields[1].Name != "type" || read.Fields[len(read.Fields)-1].Type != "period" {
		t.Fatalf("moves: %+v", read.Fields)
	}
	// Moved above the field it names, the condition is refused, beside it.
	_, errs = read.Definition()
	if !strings.HasPrefix(errs["f0-si_champ"], "Champ 1 (« Numéro du lampadaire ») : la condition doit nommer un champ placé avant celui-ci") {
		t.Fatalf("errors: %v", errs)
	}
	if errs["f12-name"] == "" || errs["f12-label"] == "" {
		t.Fatalf("the new field's name and label are not asked for: %v", errs)
	}
}

// What cannot be saved gets a French message keyed by its input.
func TestEditorErrors(t *testing.T) {
	e := forms.Editor{Slug: "Mauvais", Fields: []forms.EditorField{
		{Type: "number", Name: "n", Label: "N", Min: "dix"},
		{Type: "number", Name: "m", Label: "M", Min: "5", Max: "1"},
		{Type: "choice", Name: "n", Label: "Choix"},
	}}
	_, errs := e.Definition()
	want := map[string]string{
		"slug":       "L'identifiant doit être fait de minuscules, chiffres et tirets (ex. : signalement-voirie).",
		"titre":      "Le titre est obligatoire.",
		"f0-min":     "Champ 1 (« N ») : la borne doit être un nombre, par exemple 12 ou 12,5.",
		"f1-max":     "Champ 2 (« M ») : le maximum est plus petit que le minimum.",
		"f2-name":    "Champ 3 (« Choix ») : nom « n » déjà pris par un autre champ.",
		"f2-options": "Champ 3 (« Choix ») : une liste de choix doit avoir des options.",
	}
	if !reflect.DeepEqual(errs, want) {
		t.Fatalf("errors:\n%#v\nwant\n%#v", errs, want)
	}
}
