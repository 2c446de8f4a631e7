package forms_test

import (
	"strings"
	"testing"

	"guichet/calendar"
	"guichet/forms"
	"guichet/models"
)

func TestParseDelay(t *testing.T) {
	for in, want := range map[string]calendar.Delay{
		"2 mois": {N: 2, Unit: calendar.Months}, "15 jours": {N: 15, Unit: calendar.Days},
		"1 semaine": {N: 1, Unit: calendar.Weeks}, " 3  Semaines ": {N: 3, Unit: calendar.Weeks}, "1 jour": {N: 1, Unit: calendar.Days},
	} {
		got, err := forms.ParseDelay(in)
		if err != nil || got != want {
			t.Errorf("ParseDelay(%q) = %v, %v; want %v", in, got, err, want)
		}
		if again, err := forms.ParseDelay(forms.FormatDelay(got)); err != nil || again != got {
			t.Errorf("FormatDelay(%v) does not read back: %v %v", got, again, err)
		}
	}
	for _, in := range []string{"", "deux mois", "2", "2 ans", "0 jours", "1001 jours"} {
		if _, err := forms.ParseDelay(in); err == nil {
			t.Errorf("ParseDelay(%q) accepted", in)
		}
	}
}

// A file's procedure whose silence decides but gives no delay, or names an
// unknown rule or too deep a motif, is refused naming the procedure.
func TestParseRefusesAnIncompleteLegalSetUp(t *testing.T) {
	base := "slug: terrasse\ntitle: Terrasse\nfields:\n  - {name: a, label: A, type: text}\n"
	for extra, want := range map[string]string{
		"silence: acceptation\n":             "démarche « terrasse » : « silence vaut acceptation » demande un délai",
		"silence: rejet\ndelai: deux mois\n": "démarche « terrasse » : le délai « deux mois » doit être un nombre",
		"silence: parfois\ndelai: 2 mois\n":  "démarche « terrasse » : la règle du silence « parfois » est inconnue",
		"motif: A / B / C / D\n":             "démarche « terrasse » : le motif se nomme par un à trois niveaux",
	} {
		_, err := forms.Parse([]byte(base + extra))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", extra, err, want)
		}
	}
	defs, err := forms.Parse([]byte(base + "silence: rejet\ndelai: 3 semaines\nmotif: Voirie / Terrasses\n"))
	if err != nil {
		t.Fatal(err)
	}
	p := defs[0].Procedure(1)
	if p.Silence != calendar.SilenceRejection || p.Delay() != (calendar.Delay{N: 3, Unit: calendar.Weeks}) || p.MotifPath != "Voirie / Terrasses" {
		t.Errorf("procedure: %+v", p.ProcedureVersion)
	}
	// The commune's identity must give what the acknowledgement says.
	c := &models.Commune{Address: "1 place de la Mairie", Email: "mairie@exemple.fr"}
	if err := forms.CheckCommune(defs, c); err == nil || !strings.Contains(err.Error(), "démarche « terrasse »") || !strings.Contains(err.Error(), "téléphone") {
		t.Errorf("commune without phone: %v", err)
	}
	c.Phone = "01 23 45 67 89"
	if err := forms.CheckCommune(defs, c); err != nil {
		t.Errorf("complete commune: %v", err)
	}
}
