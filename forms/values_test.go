package forms_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"guichet/forms"
	"guichet/models"
)

func ptr(f float64) *float64 { return &f }

var form = []models.Field{
	{Name: "nom", Label: "Nom", Type: "text", Required: true, MaxLen: 10},
	{Name: "courriel", Label: "Courriel", Type: "email"},
	{Name: "tel", Label: "Téléphone", Type: "phone"},
	{Name: "jour", Label: "Date", Type: "date", Required: true},
	{Name: "periode", Label: "Période", Type: "period"},
	{Name: "surface", Label: "Surface", Type: "number", Min: ptr(1), Max: ptr(1000)},
	{Name: "nature", Label: "Nature", Type: "choice", Required: true, Options: []string{"Terrasse", "Benne"}},
	{Name: "engagements", Label: "Engagements", Type: "checkboxes", Required: true, Min: ptr(2), Options: []string{"A", "B"}},
	{Name: "plan", Label: "Plan", Type: "file", Required: true},
}

func TestReadNormalizesValidValues(t *testing.T) {
	data, errs := forms.Read(form, url.Values{
		"nom": {"  Claude "}, "courriel": {"claude@exemple.fr"}, "tel": {"06.12.34.56.78"},
		"jour": {"23/11/2026"}, "surface": {"12,5"}, "nature": {"Benne"}, "engagements": {"B", "A", "B", "Z"},
		"plan": {"ignored"}, "_version": {"3"},
	})
	want := map[string]any{
		"nom": "Claude", "courriel": "claude@exemple.fr", "tel": "06 12 34 56 78", "jour": "2026-11-23",
		"surface": 12.5, "nature": "Benne", "engagements": []any{"B", "A"},
	}
	if len(errs) != 0 || !reflect.DeepEqual(data, want) {
		t.Fatalf("data = %#v\nerrs = %v", data, errs)
	}
	if m := forms.Missing(form, data, map[string]int{"plan": 1}); len(m) != 0 {
		t.Fatalf("missing = %v", m)
	}
}

func TestReadKeepsInvalidValuesAsTyped(t *testing.T) {
	cases := []struct {
		field, typed string
		kept         any
		msg          string
	}{
		{"nom", "Claude-Henri Dupont", "Claude-Henri Dupont", "trop long : 10 caractères au plus"},
		{"courriel", "claude@", "claude@", "adresse e-mail valide"},
		{"courriel", "Claude <claude@exemple.fr>", "Claude <claude@exemple.fr>", "adresse e-mail valide"},
		{"courriel", "claude@localhost", "claude@localhost", "adresse e-mail valide"},
		{"tel", "12345", "12345", "numéro de téléphone valide"},
		{"tel", "06 12 34 56 7", "06 12 34 56 7", "numéro de téléphone valide"},
		{"tel", "+44 20 7946 0958", "+44 20 7946 0958", "numéro de téléphone valide"},
		{"jour", "31/02/2026", "31/02/2026", "date valide"},
		{"surface", "beaucoup", "beaucoup", "Saisissez un nombre"},
		{"surface", "0", 0.0, "entre 1 et 1000"},
		{"surface", "1000,5", 1000.5, "entre 1 et 1000"},
		// strconv.ParseFloat reads these; JSON (the draft's storage) cannot hold them.
		{"surface", "NaN", "NaN", "Saisissez un nombre"},
		{"surface", "Inf", "Inf", "Saisissez un nombre"},
		{"surface", "-infinity", "-infinity", "Saisissez un nombre"},
		{"surface", "1e400", "1e400", "Saisissez un nombre"},
		// PostgreSQL keeps neither NUL bytes nor invalid UTF-8: what can be kept is.
		{"nom", "Clau\x00de", "Claude", "caractère non autorisé"},
		{"nom", "Cl\xffde", "Cl\ufffdde", "caractère non autorisé"},
		{"tel", "06 12 34 56 78\x00", "06 12 34 56 78", "caractère non autorisé"},
		{"jour", "23/11/2026\x00", "2026-11-23", "caractère non autorisé"},
		{"surface", "\x0012", 12.0, "caractère non autorisé"},
	}
	for _, tc := range cases {
		data, errs := forms.Read(form, url.Values{tc.field: {tc.typed}})
		if !reflect.DeepEqual(data[tc.field], tc.kept) || !strings.Contains(errs[tc.field], tc.msg) {
			t.Errorf("%s=%q: kept %#v, error %q; want %#v and %q", tc.field, tc.typed, data[tc.field], errs[tc.field], tc.kept, tc.msg)
		}
	}
	// A choice outside the list is tampering: it is dropped, with a message.
	data, errs := forms.Read(form, url.Values{"nature": {"Piscine"}})
	if _, ok := data["nature"]; ok || errs["nature"] == "" {
		t.Errorf("choice outside the list: %v %v", data, errs)
	}
}

// A period's end may not come before its start; the same day is a period.
// Each part is kept as typed.
func TestReadChecksPeriods(t *testing.T) {
	cases := []struct {
		start, end string
		kept       map[string]any
		msg        string
	}{
		{"23/11/2026", "22/11/2026", map[string]any{"debut": "2026-11-23", "fin": "2026-11-22"}, "La date de fin doit être postérieure ou égale à la date de début."},
		{"23/11/2026", "23/11/2026", map[string]any{"debut": "2026-11-23", "fin": "2026-11-23"}, ""},
		{"23/11/2026", "2027-01-02", map[string]any{"debut": "2026-11-23", "fin": "2027-01-02"}, ""},
		{"", "22/11/2026", map[string]any{"fin": "2026-11-22"}, ""}, // no start yet: Missing says so
		{"31/02/2026", "22/11/2026", map[string]any{"debut": "31/02/2026", "fin": "2026-11-22"}, "Saisissez une date de début valide"},
		{"23/11/2026", "demain", map[string]any{"debut": "2026-11-23", "fin": "demain"}, "Saisissez une date de fin valide"},
	}
	for _, tc := range cases {
		data, errs := forms.Read(form, url.Values{"periode:debut": {tc.start}, "periode:fin": {tc.end}})
		if tc.msg == "" && errs["periode"] != "" || !strings.Contains(errs["periode"], tc.msg) || !reflect.DeepEqual(data["periode"], tc.kept) {
			t.Errorf("%q to %q: kept %v, error %q, want %v and %q", tc.start, tc.end, data["periode"], errs["periode"], tc.kept, tc.msg)
		}
	}
	required := []models.Field{{Name: "p", Label: "Dates", Type: "period", Required: true}}
	data, _ := forms.Read(required, url.Values{"p:debut": {"23/11/2026"}})
	if m := forms.Missing(required, data, nil); m["p"] != "Renseignez la date de début et la date de fin de « Dates »." {
		t.Errorf("half a period: %v", m)
	}
}

// A field shown only when an earlier one has a value: hidden, it is not
// required and its value is dropped; shown, it is both read and required.
// A condition on a hidden field hides too.
func TestConditions(t *testing.T) {
	fields := []models.Field{
		{Name: "type", Label: "Type", Type: "choice", Options: []string{"Éclairage", "Voirie"}},
		{Name: "lampadaire", Label: "Numéro du lampadaire", Type: "text", Required: true, ShowIf: &models.Condition{Field: "type", Equals: "Éclairage"}},
		{Name: "allume", Label: "Il reste allumé le jour", Type: "checkbox", ShowIf: &models.Condition{Field: "type", Equals: "Éclairage"}},
		{Name: "depuis", Label: "Depuis quand", Type: "date", Required: true, ShowIf: &models.Condition{Field: "allume", Equals: "oui"}},
		{Name: "atteste", Label: "J'atteste sur l'honneur", Type: "checkbox", Required: true},
	}
	data, errs := forms.Read(fields, url.Values{"type": {"Voirie"}, "lampadaire": {"L12"}, "allume": {"oui"}, "depuis": {"hier"}})
	if _, kept := data["lampadaire"]; kept || len(errs) != 0 {
		t.Fatalf("hidden values kept: %v %v", data, errs)
	}
	if m := forms.Missing(fields, data, nil); !reflect.DeepEqual(m, map[string]string{"atteste": "Cochez la case « J'atteste sur l'honneur »."}) {
		t.Fatalf("hidden fields required: %v", m)
	}
	data, errs = forms.Read(fields, url.Values{"type": {"Éclairage"}, "allume": {"oui"}, "depuis": {"hier"}, "atteste": {"oui"}})
	if data["allume"] != "oui" || errs["depuis"] == "" || data["depuis"] != "hier" {
		t.Fatalf("shown values: %v %v", data, errs)
	}
	if m := forms.Missing(fields, data, nil); len(m) != 1 || m["lampadaire"] == "" {
		t.Fatalf("missing: %v", m)
	}
	if got := forms.ConditionText(fields, fields[1]); got != "À remplir si « Type » vaut « Éclairage »." {
		t.Errorf("condition text %q", got)
	}
	if got := forms.ConditionText(fields, fields[3]); got != "À remplir si la case « Il reste allumé le jour » est cochée." {
		t.Errorf("condition text %q", got)
	}
}

func TestPhoneFormats(t *testing.T) {
	ok := map[string]string{
		"0612345678":           "06 12 34 56 78",
		"01 23 45 67 89":       "01 23 45 67 89",
		"01-23-45-67-89":       "01 23 45 67 89",
		"+33 6 12 34 56 78":    "+33 6 12 34 56 78",
		"+33 (0)6 12 34 56 78": "+33 6 12 34 56 78",
		"0033612345678":        "+33 6 12 34 56 78",
		"+262 692 12 34 56":    "+262 692 12 34 56",
	}
	for in, want := range ok {
		if got, valid := forms.NormalizePhone(in); !valid || got != want {
			t.Errorf("%q -> %q %v, want %q", in, got, valid, want)
		}
	}
	for _, in := range []string{"", "06", "0012", "+33 0 12 34 56 78", "00 12 34 56 78", "06 12 34 56 78 90", "06 12 AB 56 78"} {
		if got, valid := forms.NormalizePhone(in); valid {
			t.Errorf("%q accepted as %q", in, got)
		}
	}
}

func TestMissing(t *testing.T) {
	m := forms.Missing(form, map[string]any{"engagements": []any{"A"}}, nil)
	want := map[string]string{
		"nom":         "Renseignez « Nom ».",
		"jour":        "Renseignez « Date ».",
		"nature":      "Choisissez une réponse pour « Nature ».",
		"engagements": "Cochez toutes les cases de « Engagements ».",
		"plan":        "Joignez un fichier pour « Plan ».",
	}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("missing = %#v", m)
	}
}

func TestDisplay(t *testing.T) {
	cases := []struct {
		f    models.Field
		v    any
		want string
	}{
		{models.Field{Type: "date"}, "2026-11-23", "23/11/2026"},
		{models.Field{Type: "number"}, 12.5, "12,5"},
		{models.Field{Type: "number"}, 1000000.0, "1000000"},
		{models.Field{Type: "checkboxes"}, []any{"A", "B"}, "A\nB"},
		{models.Field{Type: "text"}, nil, ""},
		{models.Field{Type: "period"}, map[string]any{"debut": "2026-11-23", "fin": "2026-12-01"}, "du 23/11/2026 au 01/12/2026"},
		{models.Field{Type: "checkbox"}, "oui", "Oui"},
	}
	for _, tc := range cases {
		if got := forms.Display(tc.f, tc.v); got != tc.want {
			t.Errorf("Display(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// FuzzRead: whatever is typed, Read never panics, and what it returns can
// be stored: JSON (no NaN or Inf) whose strings PostgreSQL can keep.
func FuzzRead(f *testing.F) {
	for _, seed := range [][3]string{
		{"surface", "NaN", ""}, {"surface", "-Inf", ""}, {"surface", "1e400", ""}, {"surface", "12,5", ""},
		{"nom", "Clau\x00de", ""}, {"nom", "Cl\xffde", ""}, {"courriel", "a@b.fr\x00", ""},
		{"tel", "+33 (0)6 12 34 56 78", ""}, {"periode:debut", "23/11/2026", "22/11/2026"}, {"engagements", "A", "B"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, name, first, second string) {
		data, errs := forms.Read(form, url.Values{name: {first, second}, "periode:fin": {second}})
		if _, err := json.Marshal(data); err != nil {
			t.Fatalf("%#v cannot be stored: %v", data, err)
		}
		for _, v := range data {
			for _, x := range append([]any{v}, anySlice(v)...) {
				if s, ok := x.(string); ok && !forms.Storable(s) {
					t.Fatalf("PostgreSQL cannot keep %q", s)
				}
			}
		}
		for field, msg := range errs {
			if msg == "" || !slices.ContainsFunc(form, func(f models.Field) bool { return f.Name == field }) {
				t.Fatalf("error %q on %q", msg, field)
			}
		}
	})
}

func anySlice(v any) []any {
	l, _ := v.([]any)
	return l
}
