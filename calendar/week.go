package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// TimeOfDay is a wall-clock time, in minutes after midnight (24 h is 1440).
type TimeOfDay int

// HM is the time of day h:m.
func HM(h, m int) TimeOfDay { return TimeOfDay(h*60 + m) }

// ParseTimeOfDay reads "08:30" (what <input type=time> sends); "24:00"
// is the end of the day.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	var h, m int
	if n, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil || n != 2 || len(s) != 5 ||
		h < 0 || m < 0 || m > 59 || HM(h, m) > HM(24, 0) {
		return 0, fmt.Errorf("calendar: %q is not a time of day", s)
	}
	return HM(h, m), nil
}

// String is "08:30".
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t/60, t%60) }

// French is the time as French text writes it: "8 h 30", "12 h".
func (t TimeOfDay) French() string {
	if t%60 == 0 {
		return fmt.Sprintf("%d\u00a0h", t/60)
	}
	return fmt.Sprintf("%d\u00a0h\u00a0%02d", t/60, t%60)
}

// Range is an opening range of a day: from From (included) to To (excluded).
type Range struct {
	From, To TimeOfDay
}

// Week is a commune's opening hours: for each day of the week (indexed by
// time.Weekday, Sunday first), its opening ranges in order, several a day
// (08:30–12:00 and 13:30–17:00). A day without ranges is closed.
type Week [7][]Range

// StandardWeek is the opening hours of a mairie when the commune has given
// none: Monday to Friday, 8:30 to 12:00 and 13:30 to 17:00.
var StandardWeek = func() Week {
	var w Week
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = []Range{{HM(8, 30), HM(12, 0)}, {HM(13, 30), HM(17, 0)}}
	}
	return w
}()

// Check says, in French, what is wrong with the opening hours: a range that
// ends before it starts or after midnight, ranges out of order or
// overlapping, or a week without any opening.
func (w Week) Check() error {
	open := false
	for d, rs := range w {
		prev := TimeOfDay(-1)
		for _, r := range rs {
			if r.From < 0 || r.To > HM(24, 0) || r.From >= r.To {
				return fmt.Errorf("Le %s, la plage %s–%s ne va pas d'une heure à une heure plus tardive de la même journée.",
					frenchDays[d], r.From.French(), r.To.French())
			}
			if r.From < prev {
				return fmt.Errorf("Le %s, les plages horaires se chevauchent ou ne sont pas dans l'ordre de la journée.", frenchDays[d])
			}
			prev, open = r.To, true
		}
	}
	if !open {
		return errors.New("La commune doit ouvrir au moins une plage horaire dans la semaine.")
	}
	return nil
}

// French describes the week, one line a day, Monday first: "lundi : 8 h 30
// – 12 h, 13 h 30 – 17 h"; a closed day says "fermé".
func (w Week) French() []string {
	lines := make([]string, 0, 7)
	for i := 1; i <= 7; i++ {
		d := time.Weekday(i % 7)
		var parts []string
		for _, r := range w[d] {
			parts = append(parts, r.From.French()+"\u00a0–\u00a0"+r.To.French())
		}
		if len(parts) == 0 {
			parts = []string{"fermé"}
		}
		lines = append(lines, frenchDays[d]+"\u00a0: "+strings.Join(parts, ", "))
	}
	return lines
}
