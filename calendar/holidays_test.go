package calendar

import (
	"testing"
	"time"
)

func TestEasterKnownYears(t *testing.T) {
	for year, want := range map[int]string{
		1818: "1818-03-22", 1886: "1886-04-25", 1943: "1943-04-25", 2008: "2008-03-23",
		2019: "2019-04-21", 2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05",
		2027: "2027-03-28", 2038: "2038-04-25", 2285: "2285-03-22",
	} {
		if got := Easter(year).String(); got != want {
			t.Errorf("Easter %d: %s, want %s", year, got, want)
		}
	}
}

// oudin is Easter by Oudin's algorithm (1940), another derivation of the
// Gregorian computus than Meeus/Jones/Butcher's.
func oudin(y int) Date {
	g, c := y%19, y/100
	h := (c - c/4 - (8*c+13)/25 + 19*g + 15) % 30
	i := h - (h/28)*(1-(29/(h+1))*((21-g)/11))
	j := (y + y/4 + i + 2 - c + c/4) % 7
	l := i - j
	m := 3 + (l+40)/44
	return Date{y, time.Month(m), l + 28 - 31*(m/4)}
}

func TestEasterOverTheGregorianCalendar(t *testing.T) {
	for y := 1583; y <= 4099; y++ {
		e := Easter(y)
		if o := oudin(y); e != o {
			t.Fatalf("Easter %d: %s, Oudin says %s", y, e, o)
		}
		if e.Weekday() != time.Sunday || e.Before(D(y, 3, 22)) || e.After(D(y, 4, 25)) {
			t.Fatalf("Easter %d: %s is not a Sunday from 22 March to 25 April", y, e.FrenchLong())
		}
	}
}

func TestAscensionOnTheFirstOfMay(t *testing.T) {
	if got := HolidayName(D(2008, 5, 1), false); got != "Fête du Travail et Ascension" {
		t.Errorf("1 May 2008: %q", got)
	}
}

func TestHolidays2026(t *testing.T) {
	want := []string{
		"2026-01-01 Jour de l'an", "2026-04-03 Vendredi saint", "2026-04-06 Lundi de Pâques",
		"2026-05-01 Fête du Travail", "2026-05-08 Victoire du 8 mai 1945", "2026-05-14 Ascension",
		"2026-05-25 Lundi de Pentecôte", "2026-07-14 Fête nationale", "2026-08-15 Assomption",
		"2026-11-01 Toussaint", "2026-11-11 Armistice du 11 novembre 1918", "2026-12-25 Noël",
		"2026-12-26 Saint-Étienne",
	}
	var got []string
	for _, h := range Holidays(2026, true) {
		got = append(got, h.Date.String()+" "+h.Name)
	}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("holiday %d: %q, want %q", i, got[i], want[i])
		}
	}
	if n := len(Holidays(2026, false)); n != 11 {
		t.Errorf("%d holidays outside Alsace-Moselle, want 11", n)
	}
}

func TestHolidaysEveryYear(t *testing.T) {
	for y := 1600; y <= 2600; y++ {
		for _, am := range []bool{false, true} {
			hs := Holidays(y, am)
			want := map[bool]int{false: 11, true: 13}[am]
			if a := Easter(y).AddDays(39); a == D(y, 5, 1) || a == D(y, 5, 8) {
				want-- // Ascension on 1 or 8 May
			}
			if len(hs) != want {
				t.Fatalf("%d: %d holidays, want %d: %v", y, len(hs), want, hs)
			}
			for i, h := range hs {
				if h.Date.Year != y || i > 0 && !hs[i-1].Date.Before(h.Date) {
					t.Fatalf("%d: holidays out of order or of another year: %v", y, hs)
				}
				if HolidayName(h.Date, am) != h.Name {
					t.Fatalf("%d: HolidayName(%s) = %q, want %q", y, h.Date, HolidayName(h.Date, am), h.Name)
				}
			}
		}
		if HolidayName(Easter(y).AddDays(-2), false) != "" || HolidayName(D(y, 12, 26), false) != "" {
			t.Fatalf("%d: Alsace-Moselle's holidays outside it", y)
		}
	}
}

// A calendar needs a week the identity page would accept (hours.Week's
// rules, tested in hours/) with at least one opening.
func TestWeekCheck(t *testing.T) {
	if err := checkWeek(StandardWeek); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		week Week
		want string
	}{
		{Week{}, "La commune doit ouvrir au moins une plage horaire dans la semaine."},
		{Week{time.Monday: {{Start: 12 * 60, End: 8*60 + 30}}}, "Lundi : La plage 12:00–08:30 finit avant de commencer : l'heure de fin doit suivre l'heure de début."},
		{Week{time.Tuesday: {{Start: 8 * 60, End: 12 * 60}, {Start: 11 * 60, End: 17 * 60}}}, "Mardi : Les plages 08:00–12:00 et 11:00–17:00 se chevauchent."},
	} {
		if _, err := New(tc.week, nil, false); err == nil || err.Error() != tc.want {
			t.Errorf("New(%v): %v, want %q", tc.week, err, tc.want)
		}
	}
}

func TestParseTimeOfDay(t *testing.T) {
	for s, want := range map[string]TimeOfDay{"08:30": HM(8, 30), "00:00": 0, "24:00": HM(24, 0), "17:05": HM(17, 5)} {
		if got, err := ParseTimeOfDay(s); err != nil || got != want || (want < HM(24, 0) && got.String() != s) {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"8:30", "24:01", "12:60", "ab:cd", "", "12:30:00"} {
		if _, err := ParseTimeOfDay(s); err == nil {
			t.Errorf("ParseTimeOfDay(%q) accepted", s)
		}
	}
}

func TestFrenchWording(t *testing.T) {
	for got, want := range map[string]string{
		D(2027, 1, 1).FrenchLong():         "vendredi 1er\u00a0janvier 2027",
		D(2026, 8, 15).French():            "15\u00a0août 2026",
		HM(8, 30).French():                 "8\u00a0h\u00a030",
		HM(12, 0).French():                 "12\u00a0h",
		Delay{1, Weeks}.French():           "1\u00a0semaine",
		Delay{2, Months}.French():          "2\u00a0mois",
		Delay{15, Days}.French():           "15\u00a0jours",
		SilenceAcceptance.Label():          "Silence vaut acceptation",
		SilenceRejection.Label():           "Silence vaut rejet",
		SilenceNone.Label():                "Pas de décision implicite",
		WorkingDays.Label():                "jours ouvrés",
		WorkingHours.Label():               "heures ouvrées",
		Delay{0, Months}.Check().Error():   "Le délai doit être d'au moins 1 et d'au plus 1000 mois.",
		Delay{3, "années"}.Check().Error(): "Le délai se compte en jours, en semaines ou en mois.",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
