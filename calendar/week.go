package calendar

import (
	"errors"
	"fmt"

	"guichet/hours"
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

// Week is a commune's opening hours, as the identity page keeps them
// (hours.Week: for each weekday, its opening ranges in minutes after
// midnight, wall-clock time, so that summer time shifts no opening hour).
type Week = hours.Week

// Range is an opening range of a day, from Start (included) to End (excluded).
type Range = hours.Range

// StandardWeek is the opening hours of a mairie when the commune has given
// none: Monday to Friday, 8:30 to 12:00 and 13:30 to 17:00.
var StandardWeek = hours.Weekdays(Range{Start: 8*60 + 30, End: 12 * 60}, Range{Start: 13*60 + 30, End: 17 * 60})

// checkWeek says, in French, what makes a week unfit for a calendar: the
// rules of hours.Week, and at least one opening (else no deadline ever falls).
func checkWeek(w Week) error {
	for _, d := range hours.Days {
		if msg := w.Check()[d]; msg != "" {
			return fmt.Errorf("%s : %s", hours.DayLabel(d), msg)
		}
	}
	if w.Open() {
		return nil
	}
	return errors.New("La commune doit ouvrir au moins une plage horaire dans la semaine.")
}
