// Package hours is a commune's opening hours as data: for each weekday, the
// ranges of the day it is open, in minutes after midnight (Paris time), so
// that a working-days calendar can compute with them. The admin writes a
// day as "08:30-12:00, 13:30-17:00"; pages show "8 h 30 – 12 h et 13 h 30 – 17 h".
package hours

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Range is one opening of a day: from Start to End, minutes after
// midnight, Start before End.
type Range struct{ Start, End int }

// Week is the opening ranges of each day, indexed by time.Weekday (Sunday
// is 0), in the order of the day; a day without ranges is closed.
type Week [7][]Range

// Days are the weekdays in the order French pages list them.
var Days = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

var dayNames = [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

// DayName is the French name of a weekday: "lundi".
func DayName(d time.Weekday) string { return dayNames[d] }

// DayLabel is the name of a weekday at the start of a line: "Lundi".
func DayLabel(d time.Weekday) string { return capitalize(dayNames[d]) }

// jsonKeys name the days in the stored form: {"monday": [["08:30", "12:00"]]}.
var jsonKeys = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// MarshalJSON writes the open days only, each range as ["HH:MM", "HH:MM"].
func (w Week) MarshalJSON() ([]byte, error) {
	m := map[string][][2]string{}
	for d, rs := range w {
		for _, r := range rs {
			m[jsonKeys[d]] = append(m[jsonKeys[d]], [2]string{clock(r.Start), clock(r.End)})
		}
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads what MarshalJSON writes, and refuses what Check would.
func (w *Week) UnmarshalJSON(b []byte) error {
	var m map[string][][2]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	var out Week
	for key, rs := range m {
		d := slices.Index(jsonKeys[:], key)
		if d < 0 {
			return fmt.Errorf("hours: unknown day %q", key)
		}
		for _, r := range rs {
			start, ok1 := parseClock(r[0])
			end, ok2 := parseClock(r[1])
			if !ok1 || !ok2 {
				return fmt.Errorf("hours: %s: bad range %q", key, r)
			}
			out[d] = append(out[d], Range{start, end})
		}
	}
	if errs := out.Check(); errs != nil {
		return fmt.Errorf("hours: %v", errs)
	}
	*w = out
	return nil
}

// Open tells whether the week has at least one opening.
func (w Week) Open() bool {
	for _, rs := range w {
		if len(rs) > 0 {
			return true
		}
	}
	return false
}

// Check tells, per day at fault, what is wrong with its ranges in French:
// a range that ends before it starts, two that overlap, ranges out of order.
func (w Week) Check() map[time.Weekday]string {
	errs := map[time.Weekday]string{}
	for d, rs := range w {
		if msg := checkDay(rs); msg != "" {
			errs[time.Weekday(d)] = msg
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func checkDay(rs []Range) string {
	for i, r := range rs {
		switch {
		case r.Start < 0 || r.End > 24*60:
			return fmt.Sprintf("La plage %s n'est pas dans la journée.", dash(r))
		case r.End <= r.Start:
			return fmt.Sprintf("La plage %s finit avant de commencer : l'heure de fin doit suivre l'heure de début.", dash(r))
		case i > 0 && r.Start < rs[i-1].End:
			return fmt.Sprintf("Les plages %s et %s se chevauchent.", dash(rs[i-1]), dash(r))
		}
	}
	return ""
}

var (
	rangeSep = regexp.MustCompile(`\s*(?:,|;|\bet\b)\s*`)
	timeSep  = regexp.MustCompile(`\s*(?:-|–|—)\s*|\s+à\s+`)
	clockRe  = regexp.MustCompile(`^(\d{1,2})\s*(?::|h)\s*(\d{2})?$`)
)

// ParseDay reads a day as the admin writes it, "08:30-12:00, 13:30-17:00"
// ("8h30 à 12h et 13h30 à 17h" too); empty is closed. The ranges come
// back sorted; an error says in French what is wrong.
func ParseDay(s string) ([]Range, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var rs []Range
	for _, part := range rangeSep.Split(s, -1) {
		ends := timeSep.Split(part, -1)
		if len(ends) != 2 {
			return nil, fmt.Errorf("« %s » n'est pas une plage horaire : écrivez l'heure de début et l'heure de fin, par exemple 08:30-12:00, et séparez les plages par une virgule.", part)
		}
		var r [2]int
		for i, e := range ends {
			m, ok := parseClock(e)
			if !ok {
				return nil, fmt.Errorf("« %s » n'est pas une heure : écrivez-la comme 08:30.", e)
			}
			r[i] = m
		}
		rs = append(rs, Range{r[0], r[1]})
	}
	slices.SortFunc(rs, func(a, b Range) int { return a.Start - b.Start })
	if msg := checkDay(rs); msg != "" {
		return nil, fmt.Errorf("%s", msg)
	}
	return rs, nil
}

// parseClock reads "08:30", "8:30", "8h30" or "8h" as minutes after midnight.
func parseClock(s string) (int, bool) {
	m := clockRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	min := 0
	if m[2] != "" {
		min, _ = strconv.Atoi(m[2])
	}
	if h > 24 || min > 59 || (h == 24 && min > 0) {
		return 0, false
	}
	return h*60 + min, true
}

// clock writes minutes after midnight as "08:30".
func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

func dash(r Range) string { return clock(r.Start) + "–" + clock(r.End) }

// FormatDay writes a day's ranges as the admin's form shows them: "08:30-12:00, 13:30-17:00".
func FormatDay(rs []Range) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = clock(r.Start) + "-" + clock(r.End)
	}
	return strings.Join(parts, ", ")
}

// spoken writes a time as French prose does: "8 h 30", "12 h".
func spoken(m int) string {
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %02d", m/60, m%60)
}

// Lines are the week in French, consecutive days open alike told once:
// "Du lundi au vendredi : 8 h 30 – 12 h et 13 h 30 – 17 h", "Samedi : 9 h – 12 h".
// A week with no opening has none.
func (w Week) Lines() []string {
	var lines []string
	for i := 0; i < len(Days); {
		rs := w[Days[i]]
		j := i + 1
		for j < len(Days) && slices.Equal(w[Days[j]], rs) {
			j++
		}
		if len(rs) > 0 {
			var days string
			switch first, last := DayName(Days[i]), DayName(Days[j-1]); j - i {
			case 1:
				days = DayLabel(Days[i])
			case 2:
				days = DayLabel(Days[i]) + " et " + last
			default:
				days = "Du " + first + " au " + last
			}
			spans := make([]string, len(rs))
			for k, r := range rs {
				spans[k] = spoken(r.Start) + " – " + spoken(r.End)
			}
			lines = append(lines, days+" : "+strings.Join(spans, " et "))
		}
		i = j
	}
	return lines
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// Weekdays is a week open from Monday to Friday in the ranges given.
func Weekdays(rs ...Range) Week {
	var w Week
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = rs
	}
	return w
}
