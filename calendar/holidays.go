package calendar

import (
	"slices"
	"time"
)

// Holiday is a public holiday (jour férié) and its French name.
type Holiday struct {
	Date Date
	Name string
}

// Easter is Easter Sunday of a year of the Gregorian calendar, by the
// anonymous algorithm of Meeus, Jones and Butcher.
func Easter(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return Date{year, time.Month(n / 31), n%31 + 1}
}

// holidayRule is one holiday: a fixed day, or a number of days after Easter.
type holidayRule struct {
	name          string
	month         time.Month // 0: follows Easter
	day           int        // day of the month, or days after Easter Sunday
	alsaceMoselle bool       // only in the Bas-Rhin, the Haut-Rhin and the Moselle
}

// rules are the French public holidays of the code du travail (L3133-1),
// and the two more of Alsace-Moselle (L3134-13), in the order of the year
// but for those that follow Easter, which Holidays sorts. Today's list is
// applied to every year: the holidays of past centuries are not modelled.
var rules = []holidayRule{
	{name: "Jour de l'an", month: time.January, day: 1},
	{name: "Vendredi saint", day: -2, alsaceMoselle: true},
	{name: "Lundi de Pâques", day: 1},
	{name: "Fête du Travail", month: time.May, day: 1},
	{name: "Victoire du 8 mai 1945", month: time.May, day: 8},
	{name: "Ascension", day: 39},
	{name: "Lundi de Pentecôte", day: 50},
	{name: "Fête nationale", month: time.July, day: 14},
	{name: "Assomption", month: time.August, day: 15},
	{name: "Toussaint", month: time.November, day: 1},
	{name: "Armistice du 11 novembre 1918", month: time.November, day: 11},
	{name: "Noël", month: time.December, day: 25},
	{name: "Saint-Étienne", month: time.December, day: 26, alsaceMoselle: true},
}

// Holidays lists the public holidays of a year in date order, with those
// of Alsace-Moselle when alsaceMoselle is set. Two on the same day are one
// day, named after both.
func Holidays(year int, alsaceMoselle bool) []Holiday {
	easter := Easter(year)
	var hs []Holiday
	for _, r := range rules {
		if r.alsaceMoselle && !alsaceMoselle {
			continue
		}
		d := Date{year, r.month, r.day}
		if r.month == 0 {
			d = easter.AddDays(r.day)
		}
		hs = append(hs, Holiday{Date: d, Name: r.name})
	}
	slices.SortStableFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	// Ascension may fall on 1 or 8 May (as in 2008): one day, both names.
	out := hs[:1]
	for _, h := range hs[1:] {
		if last := &out[len(out)-1]; last.Date == h.Date {
			last.Name += " et " + h.Name
			continue
		}
		out = append(out, h)
	}
	return out
}

// HolidayName returns the name of the holiday d is, or "" when d is none.
func HolidayName(d Date, alsaceMoselle bool) string {
	for _, h := range Holidays(d.Year, alsaceMoselle) {
		if h.Date == d {
			return h.Name
		}
	}
	return ""
}
