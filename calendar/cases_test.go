package calendar

import (
	"testing"
	"time"
)

// The kinds of a deadline case.
const (
	workingDays = "AddWorkingDays" // from a date, the n-th working day after it
	deadline    = "Deadline"       // from an instant, n units, with pauses
	legal       = "ImplicitDecision"
)

// deadlineCase is one line of the table. Unless it says otherwise, the
// commune opens Monday to Friday, 8:30–12:00 and 13:30–17:00
// (StandardWeek), is not in Alsace-Moselle and has no closure. Times are
// Paris wall-clock times.
type deadlineCase struct {
	how         string // how the date was worked out by hand
	kind        string
	from        string // a date, or a date and time
	n           int
	unit        Unit
	pauses      [][2]string // from, to ("" still waiting)
	delay       Delay
	corrections [][2]string // asked, answered
	am          bool        // Alsace-Moselle
	closures    []Closure
	week        *Week
	want        string // a date, a date and time, or "" for no deadline
}

var (
	summer2026  = []Closure{{D(2026, 8, 3), D(2026, 8, 21), "Fermeture estivale"}}
	yearEnd2026 = []Closure{{D(2026, 12, 24), D(2026, 12, 31), "Fêtes de fin d'année"}}
	// saturdays: the standard week and Saturday mornings, 9:00–12:00.
	saturdays = func() *Week {
		w := StandardWeek
		w[time.Saturday] = []Range{{Start: 9 * 60, End: 12 * 60}}
		return &w
	}()
	twoMonths = Delay{2, Months}
)

var deadlineCases = []deadlineCase{
	// Working days, month by month.
	{how: "Tue 31 Dec 2024; Wed 1 Jan 2025 is the Jour de l'an: Thu 2 Jan", kind: workingDays, from: "2024-12-31", n: 1, want: "2025-01-02"},
	{how: "Wed 31 Dec 2025; Thu 1 Jan holiday, Fri 2 (1), weekend, Mon 5 (2)", kind: workingDays, from: "2025-12-31", n: 2, want: "2026-01-05"},
	{how: "Fri 27 Feb 2026; 2026 is not leap: Sat 28, Sun 1 Mar, Mon 2 Mar", kind: workingDays, from: "2026-02-27", n: 1, want: "2026-03-02"},
	{how: "Wed 28 Feb 2024, a leap year: Thu 29 Feb", kind: workingDays, from: "2024-02-28", n: 1, want: "2024-02-29"},
	{how: "Easter 2027 is 28 March: Fri 26, weekend, Mon 29 lundi de Pâques, Tue 30", kind: workingDays, from: "2027-03-26", n: 1, want: "2027-03-30"},
	{how: "outside Alsace-Moselle, Vendredi saint 2027 (26 March) is worked: Thu 25 + 1 = Fri 26", kind: workingDays, from: "2027-03-25", n: 1, want: "2027-03-26"},
	{how: "Alsace-Moselle: Fri 26 Mar 2027 Vendredi saint, weekend, Mon 29 lundi de Pâques: Tue 30", kind: workingDays, from: "2027-03-25", n: 1, am: true, want: "2027-03-30"},
	{how: "Easter 2285 is 22 March: Fri 20, weekend, Mon 23 lundi de Pâques, Tue 24", kind: workingDays, from: "2285-03-20", n: 1, want: "2285-03-24"},
	{how: "Alsace-Moselle 2285: Thu 19, Fri 20 Vendredi saint, weekend, Mon 23 holiday: Tue 24", kind: workingDays, from: "2285-03-19", n: 1, am: true, want: "2285-03-24"},
	{how: "Easter 2024 is 31 March: Fri 29 Mar, weekend, Mon 1 Apr lundi de Pâques, Tue 2 Apr", kind: workingDays, from: "2024-03-29", n: 1, want: "2024-04-02"},
	{how: "Alsace-Moselle 2024: Thu 28 Mar, Fri 29 Vendredi saint, weekend, Mon 1 Apr: Tue 2 Apr", kind: workingDays, from: "2024-03-28", n: 1, am: true, want: "2024-04-02"},
	{how: "Easter 2025 is 20 April: Fri 18, weekend, Mon 21 lundi de Pâques, Tue 22", kind: workingDays, from: "2025-04-18", n: 1, want: "2025-04-22"},
	{how: "Easter 2038 is 25 April: Fri 23, weekend, Mon 26 lundi de Pâques, Tue 27", kind: workingDays, from: "2038-04-23", n: 1, want: "2038-04-27"},
	{how: "Tue 30 Apr 2024; Wed 1 May Fête du Travail: Thu 2 May", kind: workingDays, from: "2024-04-30", n: 1, want: "2024-05-02"},
	{how: "Tue 7 May 2024; Wed 8 May and Thu 9 (Ascension: Easter + 39) off, Fri 10 (1), weekend, Mon 13 (2)", kind: workingDays, from: "2024-05-07", n: 2, want: "2024-05-13"},
	{how: "Fri 17 May 2024; Mon 20 lundi de Pentecôte (Easter + 50): Tue 21", kind: workingDays, from: "2024-05-17", n: 1, want: "2024-05-21"},
	{how: "Wed 28 May 2025; Thu 29 Ascension (20 Apr + 39): Fri 30", kind: workingDays, from: "2025-05-28", n: 1, want: "2025-05-30"},
	{how: "Thu 7 May 2026; Fri 8 May holiday, weekend: Mon 11", kind: workingDays, from: "2026-05-07", n: 1, want: "2026-05-11"},
	{how: "Wed 5 May 2027; Thu 6 Ascension (28 Mar + 39): Fri 7", kind: workingDays, from: "2027-05-05", n: 1, want: "2027-05-07"},
	{how: "Fri 6 Jun 2025; Mon 9 lundi de Pentecôte (20 Apr + 50): Tue 10", kind: workingDays, from: "2025-06-06", n: 1, want: "2025-06-10"},
	{how: "Wed 2 Jun 2038; Thu 3 Ascension (25 Apr + 39): Fri 4", kind: workingDays, from: "2038-06-02", n: 1, want: "2038-06-04"},
	{how: "Fri 11 Jun 2038; Mon 14 lundi de Pentecôte (25 Apr + 50): Tue 15", kind: workingDays, from: "2038-06-11", n: 1, want: "2038-06-15"},
	{how: "Fri 11 Jul 2025; Mon 14 juillet: Tue 15", kind: workingDays, from: "2025-07-11", n: 1, want: "2025-07-15"},
	{how: "Mon 13 Jul 2026; Tue 14 juillet: Wed 15", kind: workingDays, from: "2026-07-13", n: 1, want: "2026-07-15"},
	{how: "Thu 14 Aug 2025; Fri 15 Assomption, weekend: Mon 18", kind: workingDays, from: "2025-08-14", n: 1, want: "2025-08-18"},
	{how: "summer closure 3–21 Aug 2026: Fri 31 Jul, then closed until Fri 21, weekend: Mon 24 Aug", kind: workingDays, from: "2026-07-31", n: 1, closures: summer2026, want: "2026-08-24"},
	{how: "September has no holiday: Fri 4 Sep 2026 + 5 is Fri 11", kind: workingDays, from: "2026-09-04", n: 5, want: "2026-09-11"},
	{how: "Fri 31 Oct 2025; Toussaint falls on Sat 1 Nov, Sun: Mon 3 Nov", kind: workingDays, from: "2025-10-31", n: 1, want: "2025-11-03"},
	{how: "Thu 31 Oct 2024; Fri 1 Nov Toussaint, weekend: Mon 4 Nov", kind: workingDays, from: "2024-10-31", n: 1, want: "2024-11-04"},
	{how: "Fri 8 Nov 2024; weekend, Mon 11 Nov Armistice: Tue 12", kind: workingDays, from: "2024-11-08", n: 1, want: "2024-11-12"},
	{how: "Tue 10 Nov 2026; Wed 11 Armistice: Thu 12", kind: workingDays, from: "2026-11-10", n: 1, want: "2026-11-12"},
	{how: "Tue 24 Dec 2024; Wed 25 Noël: Thu 26", kind: workingDays, from: "2024-12-24", n: 1, want: "2024-12-26"},
	{how: "Alsace-Moselle: Tue 24 Dec 2024; Wed 25, Thu 26 Saint-Étienne: Fri 27", kind: workingDays, from: "2024-12-24", n: 1, am: true, want: "2024-12-27"},
	{how: "Wed 24 Dec 2025; Thu 25 Noël, Fri 26 (1), weekend, Mon 29 (2), Tue 30 (3)", kind: workingDays, from: "2025-12-24", n: 3, want: "2025-12-30"},
	{how: "Alsace-Moselle: Wed 24 Dec 2025; Thu 25, Fri 26 off, weekend, Mon 29 (1), Tue 30 (2), Wed 31 (3)", kind: workingDays, from: "2025-12-24", n: 3, am: true, want: "2025-12-31"},
	{how: "closed 24–31 Dec 2026, Fri 1 Jan 2027 holiday, weekend: Wed 23 Dec + 1 is Mon 4 Jan 2027", kind: workingDays, from: "2026-12-23", n: 1, closures: yearEnd2026, want: "2027-01-04"},
	{how: "n = 0 on Sat 15 Aug 2026 (Assomption and a Saturday): the next working day, Mon 17", kind: workingDays, from: "2026-08-15", n: 0, want: "2026-08-17"},
	{how: "n = 0 on a working day, Tue 8 Sep 2026: that day", kind: workingDays, from: "2026-09-08", n: 0, want: "2026-09-08"},
	{how: "open on Saturday mornings: Fri 7 Nov 2025 + 1 is Sat 8", kind: workingDays, from: "2025-11-07", n: 1, week: saturdays, want: "2025-11-08"},
	{how: "open on Saturday mornings, but Sat 1 Nov 2025 is Toussaint: Fri 31 Oct + 1 is Mon 3 Nov", kind: workingDays, from: "2025-10-31", n: 1, week: saturdays, want: "2025-11-03"},

	// Working hours: 7 a day, 8:30–12:00 and 13:30–17:00.
	{how: "Tue 8 Sep 2026 11:00 + 2 h: 11–12 (1 h), lunch, 13:30–14:30", kind: deadline, from: "2026-09-08 11:00", n: 2, unit: WorkingHours, want: "2026-09-08 14:30"},
	{how: "Tue 8 Sep 2026 16:00 + 2 h: 16–17 (1 h), Wed 8:30–9:30", kind: deadline, from: "2026-09-08 16:00", n: 2, unit: WorkingHours, want: "2026-09-09 09:30"},
	{how: "Tue 8 Sep 2026 9:00 + 3 h ends as the morning closes: 12:00, not 13:30", kind: deadline, from: "2026-09-08 09:00", n: 3, unit: WorkingHours, want: "2026-09-08 12:00"},
	{how: "started at lunch, Tue 8 Sep 2026 12:30 + 1 h: 13:30–14:30", kind: deadline, from: "2026-09-08 12:30", n: 1, unit: WorkingHours, want: "2026-09-08 14:30"},
	{how: "started Friday 11 Sep 2026 at 18:00 + 1 h: Monday 8:30–9:30", kind: deadline, from: "2026-09-11 18:00", n: 1, unit: WorkingHours, want: "2026-09-14 09:30"},
	{how: "summer time starts Sun 29 Mar 2026: Fri 27 16:00 + 4 h: 16–17 (1 h), Mon 30 8:30–11:30 (3 h)", kind: deadline, from: "2026-03-27 16:00", n: 4, unit: WorkingHours, want: "2026-03-30 11:30"},
	{how: "summer time ends Sun 25 Oct 2026: Fri 23 15:00 + 7 h: 15–17 (2 h), Mon 26 8:30–12 (3.5 h), 13:30–15:00 (1.5 h)", kind: deadline, from: "2026-10-23 15:00", n: 7, unit: WorkingHours, want: "2026-10-26 15:00"},
	{how: "Thu 2 Apr 2026 14:00 + 10 h: 14–17 (3 h), Fri 3 a full day (7 h) ends at 17:00", kind: deadline, from: "2026-04-02 14:00", n: 10, unit: WorkingHours, want: "2026-04-03 17:00"},
	{how: "Alsace-Moselle: Thu 2 Apr 2026 14:00 + 10 h: 14–17 (3 h), Fri 3 Vendredi saint, Mon 6 lundi de Pâques, Tue 7 a full day (7 h)", kind: deadline, from: "2026-04-02 14:00", n: 10, unit: WorkingHours, am: true, want: "2026-04-07 17:00"},
	{how: "across the year end: Wed 31 Dec 2025 16:00 + 3 h: 16–17 (1 h), Thu 1 Jan holiday, Fri 2 8:30–10:30", kind: deadline, from: "2025-12-31 16:00", n: 3, unit: WorkingHours, want: "2026-01-02 10:30"},
	{how: "Mon 13 Jul 2026 8:00 + 14 h: Mon 8:30–17 (7 h), Tue 14 juillet, Wed 15 (7 h)", kind: deadline, from: "2026-07-13 08:00", n: 14, unit: WorkingHours, want: "2026-07-15 17:00"},
	{how: "pause for a correction Tue 8 Sep 2026 11:00 to Thu 10 10:00: 10–11 (1 h), Thu 10–12 (2 h), 13:30–14:30 (1 h)", kind: deadline, from: "2026-09-08 10:00", n: 4, unit: WorkingHours, pauses: [][2]string{{"2026-09-08 11:00", "2026-09-10 10:00"}}, want: "2026-09-10 14:30"},
	{how: "waiting for the citizen since Tue 8 Sep 2026 11:00, 3 h still due: no deadline", kind: deadline, from: "2026-09-08 10:00", n: 4, unit: WorkingHours, pauses: [][2]string{{"2026-09-08 11:00", ""}}, want: ""},
	{how: "spent (9–11) before the wait that starts at 14:00: 11:00", kind: deadline, from: "2026-09-08 09:00", n: 2, unit: WorkingHours, pauses: [][2]string{{"2026-09-08 14:00", ""}}, want: "2026-09-08 11:00"},
	{how: "overlapping pauses Mon 7 Sep 2026 10:00–Tue 9:00 and Mon 15:00–Tue 10:30 stop the clock once: Mon 8:30–10 (1.5 h), Tue 10:30–12 (1.5 h), 13:30–17 (3.5 h), Wed 8:30–9:00", kind: deadline, from: "2026-09-07 08:30", n: 7, unit: WorkingHours, pauses: [][2]string{{"2026-09-07 10:00", "2026-09-08 09:00"}, {"2026-09-07 15:00", "2026-09-08 10:30"}}, want: "2026-09-09 09:00"},
	{how: "a pause over the weekend changes nothing: Fri 11 Sep 2026 16–17 (1 h), Mon 8:30–9:30", kind: deadline, from: "2026-09-11 16:00", n: 2, unit: WorkingHours, pauses: [][2]string{{"2026-09-12 10:00", "2026-09-13 18:00"}}, want: "2026-09-14 09:30"},

	// Working days from an instant: a day counts when the clock runs through all its opening hours.
	{how: "Mon 7 Sep 2026 10:00: Monday has begun, Tue (1), Wed (2): Wed at closing time", kind: deadline, from: "2026-09-07 10:00", n: 2, unit: WorkingDays, want: "2026-09-09 17:00"},
	{how: "Mon 7 Sep 2026 8:00, before opening: Monday counts (1)", kind: deadline, from: "2026-09-07 08:00", n: 1, unit: WorkingDays, want: "2026-09-07 17:00"},
	{how: "paused Tue 8 Sep 2026 9:00 to Thu 10 15:00: Tue, Wed, Thu do not count; Fri 11 (1), Mon 14 (2)", kind: deadline, from: "2026-09-07 10:00", n: 2, unit: WorkingDays, pauses: [][2]string{{"2026-09-08 09:00", "2026-09-10 15:00"}}, want: "2026-09-14 17:00"},
	{how: "a pause that ends Tue 8 Sep 2026 at 7:00, before opening: Tue counts (1)", kind: deadline, from: "2026-09-07 10:00", n: 1, unit: WorkingDays, pauses: [][2]string{{"2026-09-07 18:00", "2026-09-08 07:00"}}, want: "2026-09-08 17:00"},
	{how: "Tue 8 Sep 2026 counts (1), then waiting from Wed 12:30, before its afternoon: no deadline", kind: deadline, from: "2026-09-07 10:00", n: 3, unit: WorkingDays, pauses: [][2]string{{"2026-09-09 12:30", ""}}, want: ""},

	// The legal date of an implicit decision: the day after the delay's last day.
	{how: "Thu 15 Jan 2026 + 2 months: Sun 15 Mar, moved to Mon 16 (CPC 642): decision Tue 17", kind: legal, from: "2026-01-15", delay: twoMonths, want: "2026-03-17"},
	{how: "Mon 31 Jan 2028 + 1 month: 2028 is leap, Tue 29 Feb: decision Wed 1 Mar", kind: legal, from: "2028-01-31", delay: Delay{1, Months}, want: "2028-03-01"},
	{how: "Sat 31 Jan 2026 + 1 month: Sat 28 Feb, moved to Mon 2 Mar: decision Tue 3", kind: legal, from: "2026-01-31", delay: Delay{1, Months}, want: "2026-03-03"},
	{how: "across the year end: Wed 30 Dec 2026 + 2 months: no 30 Feb, Sun 28 Feb 2027, moved to Mon 1 Mar: decision Tue 2", kind: legal, from: "2026-12-30", delay: twoMonths, want: "2027-03-02"},
	{how: "Fri 31 Oct 2025 + 1 month: Sun 30 Nov, moved to Mon 1 Dec: decision Tue 2", kind: legal, from: "2025-10-31", delay: Delay{1, Months}, want: "2025-12-02"},
	{how: "Mon 20 Apr 2026 + 15 days: Tue 5 May: decision Wed 6", kind: legal, from: "2026-04-20", delay: Delay{15, Days}, want: "2026-05-06"},
	{how: "Sat 14 Mar 2026 + 2 months: Thu 14 May is Ascension, moved to Fri 15: decision Sat 16", kind: legal, from: "2026-03-14", delay: twoMonths, want: "2026-05-16"},
	{how: "Mon 1 Jun 2026 + 8 weeks (56 days): Mon 27 Jul: decision Tue 28", kind: legal, from: "2026-06-01", delay: Delay{8, Weeks}, want: "2026-07-28"},
	{how: "Tue 16 Jun 2026 + 4 weeks: Tue 14 juillet, moved to Wed 15: decision Thu 16", kind: legal, from: "2026-06-16", delay: Delay{4, Weeks}, want: "2026-07-16"},
	{how: "Tue 1 Sep 2026 + 2 months: Sun 1 Nov; waited 10–14 Sep (5 days): Fri 6 Nov: decision Sat 7", kind: legal, from: "2026-09-01", delay: twoMonths, corrections: [][2]string{{"2026-09-10", "2026-09-14"}}, want: "2026-11-07"},
	{how: "Mon 2 Feb 2026 + 2 months: Thu 2 Apr; corrections 10–12 and 11–16 Feb overlap: 10–16 Feb, 7 days: Thu 9 Apr: decision Fri 10", kind: legal, from: "2026-02-02", delay: twoMonths, corrections: [][2]string{{"2026-02-10", "2026-02-12"}, {"2026-02-11", "2026-02-16"}}, want: "2026-04-10"},
	{how: "Tue 3 Feb 2026 + 2 months: Fri 3 Apr, worked outside Alsace-Moselle: decision Sat 4", kind: legal, from: "2026-02-03", delay: twoMonths, want: "2026-04-04"},
	{how: "Alsace-Moselle: Fri 3 Apr 2026 is Vendredi saint, weekend, Mon 6 lundi de Pâques: Tue 7: decision Wed 8", kind: legal, from: "2026-02-03", delay: twoMonths, am: true, want: "2026-04-08"},
	{how: "Sun 26 Oct 2025 + 2 months: Fri 26 Dec, worked outside Alsace-Moselle: decision Sat 27", kind: legal, from: "2025-10-26", delay: twoMonths, want: "2025-12-27"},
	{how: "Alsace-Moselle: Fri 26 Dec 2025 is Saint-Étienne, weekend: Mon 29: decision Tue 30", kind: legal, from: "2025-10-26", delay: twoMonths, am: true, want: "2025-12-30"},
	{how: "Fri 25 Oct 2024 + 2 months: Wed 25 Dec Noël, moved to Thu 26: decision Fri 27", kind: legal, from: "2024-10-25", delay: twoMonths, want: "2024-12-27"},
	{how: "Alsace-Moselle: Wed 25 and Thu 26 Dec 2024 off: Fri 27: decision Sat 28", kind: legal, from: "2024-10-25", delay: twoMonths, am: true, want: "2024-12-28"},
	{how: "Tue 1 Sep 2026 + 30 days: Thu 1 Oct; a correction asked 20 Sep still awaited on 25 Sep counts 6 days: Wed 7 Oct: decision Thu 8", kind: legal, from: "2026-09-01", delay: Delay{30, Days}, corrections: [][2]string{{"2026-09-20", "2026-09-25"}}, want: "2026-10-08"},
	{how: "Sun 1 Nov 2026 + 2 months: Fri 1 Jan 2027, weekend: Mon 4: decision Tue 5", kind: legal, from: "2026-11-01", delay: twoMonths, want: "2027-01-05"},
	{how: "Fri 23 Jan 2285 + 2 months: Mon 23 Mar is lundi de Pâques (Easter 22 Mar): Tue 24: decision Wed 25", kind: legal, from: "2285-01-23", delay: twoMonths, want: "2285-03-25"},
	{how: "Fri 26 Feb 2038 + 2 months: Mon 26 Apr lundi de Pâques (Easter 25 Apr): Tue 27: decision Wed 28", kind: legal, from: "2038-02-26", delay: twoMonths, want: "2038-04-28"},
	{how: "Wed 20 Mar 2024 + 2 months: Mon 20 May lundi de Pentecôte: Tue 21: decision Wed 22", kind: legal, from: "2024-03-20", delay: twoMonths, want: "2024-05-22"},
	{how: "the commune's closure does not move a legal delay: Fri 5 Jun 2026 + 2 months, Wed 5 Aug: decision Thu 6", kind: legal, from: "2026-06-05", delay: twoMonths, closures: summer2026, want: "2026-08-06"},
	{how: "Tue 15 Jun 2027 + 2 months: Sun 15 Aug (Assomption): Mon 16: decision Tue 17", kind: legal, from: "2027-06-15", delay: twoMonths, want: "2027-08-17"},
	{how: "Fri 11 Sep 2026 + 2 months: Wed 11 Nov Armistice: Thu 12: decision Fri 13", kind: legal, from: "2026-09-11", delay: twoMonths, want: "2026-11-13"},
	{how: "Sun 8 Mar 2026 + 2 months: Fri 8 May holiday, weekend: Mon 11: decision Tue 12", kind: legal, from: "2026-03-08", delay: twoMonths, want: "2026-05-12"},
	{how: "Wed 1 Apr 2026 + 30 days: Fri 1 May holiday, weekend: Mon 4: decision Tue 5", kind: legal, from: "2026-04-01", delay: Delay{30, Days}, want: "2026-05-05"},
	// démarches-simplifiées's own examples (its decision date calculator's
	// test), where no last day falls on a day off: the same dates.
	{how: "démarches-simplifiées: Mon 15 May 2023 + 30 days: Wed 14 Jun: decision Thu 15", kind: legal, from: "2023-05-15", delay: Delay{30, Days}, want: "2023-06-15"},
	{how: "démarches-simplifiées: Mon 15 May 2023 + 8 weeks: Mon 10 Jul: decision Tue 11", kind: legal, from: "2023-05-15", delay: Delay{8, Weeks}, want: "2023-07-11"},
	{how: "démarches-simplifiées: Mon 15 May 2023 + 2 months: Sat 15 Jul; waited 20–25 May (6 days): Fri 21 Jul: decision Sat 22", kind: legal, from: "2023-05-15", delay: twoMonths, corrections: [][2]string{{"2023-05-20", "2023-05-25"}}, want: "2023-07-22"},
	{how: "démarches-simplifiées: the same and 30 May–3 Jun (5 more days): Wed 26 Jul: decision Thu 27", kind: legal, from: "2023-05-15", delay: twoMonths, corrections: [][2]string{{"2023-05-20", "2023-05-25"}, {"2023-05-30", "2023-06-03"}}, want: "2023-07-27"},
	{how: "where démarches-simplifiées says Sun 16 Jul 2023: Sat 15 Jul + 2 months' last day moves to Mon 17 (CPC 642): decision Tue 18", kind: legal, from: "2023-05-15", delay: twoMonths, want: "2023-07-18"},
}

func TestDeadlineCases(t *testing.T) {
	if len(deadlineCases) < 50 {
		t.Fatalf("%d cases, the issue asks for at least 50", len(deadlineCases))
	}
	for _, tc := range deadlineCases {
		week := StandardWeek
		if tc.week != nil {
			week = *tc.week
		}
		c, err := New(week, tc.closures, tc.am)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		switch tc.kind {
		case workingDays:
			got = c.AddWorkingDays(mustDate(t, tc.from), tc.n).String()
		case deadline:
			var ps []Pause
			for _, p := range tc.pauses {
				ps = append(ps, Pause{mustTime(t, p[0]), mustTime(t, p[1])})
			}
			if due := c.Deadline(mustTime(t, tc.from), tc.n, tc.unit, ps); !due.IsZero() {
				got = due.In(Paris).Format("2006-01-02 15:04")
			}
		case legal:
			var ks []Correction
			for _, k := range tc.corrections {
				ks = append(ks, Correction{mustDate(t, k[0]), mustDate(t, k[1])})
			}
			d := c.ImplicitDecision(mustDate(t, tc.from), tc.delay, ks)
			if d.Date != d.LastDay.AddDays(1) {
				t.Errorf("%s: decision %s is not the day after the last day %s", tc.how, d.Date, d.LastDay)
			}
			got = d.Date.String()
		default:
			t.Fatalf("unknown kind %q", tc.kind)
		}
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.how, got, tc.want)
		}
	}
}

func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mustTime reads "2006-01-02 15:04" in Paris; "" is the zero time.
func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, Paris)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
