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

const everyTypeYAML = `
slug: tout
title: Tous les champs
fields:
  - {type: heading, label: Le problème}
  - {name: type, label: Type, type: choice, control: radio, required: true, options: [Éclairage, Voirie]}
  - {name: lampadaire, label: Numéro du lampadaire, type: text, required: true, max_length: 20, show_if: {field: type, equals: Éclairage}}
  - {name: details, label: Détails, type: textarea}
  - {name: quand, label: Quand, type: checkboxes, max: 1, options: [Le jour, La nuit]}
  - {name: jour, label: Date, type: date}
  - {name: periode, label: Période, type: period, required: true}
  - {name: nombre, label: Nombre, type: number, min: 0, max: 10}
  - {name: courriel, label: Courriel, type: email}
  - {name: tel, label: Téléphone, type: phone}
  - {name: adresse, label: Adresse, type: address}
  - {name: atteste, label: J'atteste sur l'honneur, type: checkbox, required: true}
`

// Every type of question, through the citizen's real form: each refuses
// what it must, in French beside it, keeping the rest; filled right, the
// demand is submitted with each value normalized.
func TestEveryFieldTypeOnTheCitizensForm(t *testing.T) {
	a := newApp(t)
	defs, err := forms.Parse([]byte(everyTypeYAML))
	fixture.Must(t, err)
	p := defs[0].Procedure(a.Commune.ID)
	p.Active = true
	fixture.Must(t, models.CreateProcedure(context.Background(), a.DB, p))
	c := a.client()
	draft := startDraft(t, c, a.Commune.Slug, "tout", "claude@exemple.fr")
	page := c.get(draft)
	assertAccessible(t, page.Doc)
	if page.Doc.Find(`h2.form-heading`).Text() != "Le problème" || page.Doc.Find(`input[type="checkbox"][name="atteste"][value="oui"]`).Length() != 1 ||
		page.Doc.Find(`input[type="radio"][name="type"]`).Length() != 2 || page.Doc.Find(`input[type="date"][name="periode:fin"]`).Length() != 1 {
		t.Fatalf("form: %s", text(page))
	}
	_, good := demandForm(t, page)
	for k, v := range map[string]string{"type": "Éclairage", "lampadaire": "L12", "details": "Éteint", "jour": "23/11/2026",
		"periode:debut": "2026-11-23", "periode:fin": "2026-11-30", "nombre": "2,5", "courriel": "claude@exemple.fr",
		"tel": "06.12.34.56.78", "adresse": "1 rue Haute", "atteste": "oui"} {
		good.Set(k, v)
	}
	good["quand"] = []string{"La nuit"}
	cases := []struct{ input, value, id, msg string }{
		{"lampadaire", "", "champ-lampadaire", "Renseignez « Numéro du lampadaire »."},
		{"lampadaire", strings.Repeat("x", 21), "champ-lampadaire", "20 caractères au plus"},
		{"jour", "31/02/2026", "champ-jour", "Saisissez une date valide"},
		{"periode:fin", "2026-11-01", "champ-periode", "La date de fin doit être postérieure ou égale à la date de début."},
		{"periode:fin", "", "champ-periode", "Renseignez la date de début et la date de fin de « Période »."},
		{"nombre", "11", "champ-nombre", "Saisissez un nombre entre 0 et 10."},
		{"courriel", "claude@", "champ-courriel", "adresse e-mail valide"},
		{"tel", "12", "champ-tel", "numéro de téléphone valide"},
		{"atteste", "", "champ-atteste", "Cochez la case « J'atteste sur l'honneur »."},
		{"type", "Piscine", "champ-type", "Choisissez une des réponses proposées."},
	}
	for _, tc := range cases {
		v := cloneValues(good)
		v.Set(tc.input, tc.value)
		r := c.postMultipart(draft+"/deposer", v, nil, false)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		if msg, invalid := fieldError(r, tc.id); !invalid || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s=%q: %q, want %q", tc.input, tc.value, msg, tc.msg)
		}
		if got := r.Doc.Find("#champ-adresse").AttrOr("value", ""); got != "1 rue Haute" {
			t.Errorf("%s=%q: the address was not kept (%q)", tc.input, tc.value, got)
		}
	}
	v := cloneValues(good)
	v["quand"] = []string{"Le jour", "La nuit"}
	r := c.postMultipart(draft+"/deposer", v, nil, false)
	if msg, _ := fieldError(r, "champ-quand"); !strings.Contains(msg, "Cochez au plus une case.") {
		t.Errorf("two boxes of one: %q", msg)
	}

	mustStatus(t, c.postMultipart(draft+"/deposer", good, nil, false), http.StatusSeeOther)
	d := a.onlyDemand(t)
	want := map[string]any{"type": "Éclairage", "lampadaire": "L12", "details": "Éteint", "quand": []any{"La nuit"}, "jour": "2026-11-23",
		"periode": map[string]any{"debut": "2026-11-23", "fin": "2026-11-30"}, "nombre": 2.5, "courriel": "claude@exemple.fr",
		"tel": "06 12 34 56 78", "adresse": "1 rue Haute", "atteste": "oui"}
	if d.State != workflow.Submitted || !reflect.DeepEqual(d.Data, want) {
		t.Fatalf("submitted %s:\n%#v", d.State, d.Data)
	}
	follow := text(c.get(draft))
	for _, s := range []string{"du 23/11/2026 au 30/11/2026", "J'atteste sur l'honneur Oui", "Version 1 du "} {
		if !strings.Contains(follow, s) {
			t.Errorf("the follow page does not say %q: %s", s, follow)
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
