package hours

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseDay(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Range
	}{
		{"", nil},
		{"08:30-12:00, 13:30-17:00", []Range{{510, 720}, {810, 1020}}},
		{"13:30–17:00 ; 8h30 à 12h", []Range{{510, 720}, {810, 1020}}},
		{"8h30 - 12h et 13h30-17h", []Range{{510, 720}, {810, 1020}}},
		{"09:00-12:00, 12:00-18:00", []Range{{540, 720}, {720, 1080}}}, // touching, not overlapping
		{"20:00-24:00", []Range{{1200, 1440}}},
	} {
		got, err := ParseDay(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseDay(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for in, msg := range map[string]string{
		"12:00-08:30":              "La plage 12:00–08:30 finit avant de commencer",
		"09:00-09:00":              "La plage 09:00–09:00 finit avant de commencer",
		"08:30-12:00, 11:00-14:00": "Les plages 08:30–12:00 et 11:00–14:00 se chevauchent",
		"08:30":                    "« 08:30 » n'est pas une plage horaire",
		"08:30-25:00":              "« 25:00 » n'est pas une heure",
		"8:61-9:00":                "« 8:61 » n'est pas une heure",
		"le matin":                 "« le matin » n'est pas une plage horaire",
	} {
		if _, err := ParseDay(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseDay(%q) = %v, want %q", in, err, msg)
		}
	}
}

func TestWeekJSONAndLines(t *testing.T) {
	var w Week
	day := []Range{{510, 720}, {810, 1020}}
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday} {
		w[d] = day
	}
	w[time.Saturday] = []Range{{540, 720}}
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	var back Week
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, w) {
		t.Fatalf("round trip: %s gave %v, %v", b, back, err)
	}
	if !strings.Contains(string(b), `"monday":[["08:30","12:00"],["13:30","17:00"]]`) || strings.Contains(string(b), "sunday") {
		t.Fatalf("stored as %s", b)
	}
	want := []string{"Du lundi au vendredi : 8 h 30 – 12 h et 13 h 30 – 17 h", "Samedi : 9 h – 12 h"}
	if got := w.Lines(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Lines = %q", got)
	}
	w[time.Wednesday] = nil
	want = []string{"Lundi et mardi : 8 h 30 – 12 h et 13 h 30 – 17 h", "Jeudi et vendredi : 8 h 30 – 12 h et 13 h 30 – 17 h", "Samedi : 9 h – 12 h"}
	if got := w.Lines(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Lines with Wednesday closed = %q", got)
	}
	if (Week{}).Lines() != nil {
		t.Fatal("a closed week has lines")
	}

	// What Check refuses is refused when read back too.
	for _, bad := range []string{`{"monday":[["12:00","08:00"]]}`, `{"monday":[["08:00","12:00"],["11:00","13:00"]]}`, `{"lundi":[]}`, `{"monday":[["8","9"]]}`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("%s was read", bad)
		}
	}
}
