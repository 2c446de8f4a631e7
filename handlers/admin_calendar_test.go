package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/calendar"
	"guichet/fixture"
	"guichet/models"
)

// holidayRows are the rows of the holidays table: "date | name".
func holidayRows(r *response) []string {
	var rows []string
	r.Doc.Find("table").First().Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		cells := tr.Find("td").Map(func(_ int, td *goquery.Selection) string { return strings.Join(strings.Fields(td.Text()), " ") })
		rows = append(rows, strings.Join(cells, " | "))
	})
	return rows
}

// openStandardHours gives the commune the usual mairie's opening hours,
// with a lunch break (the fixture's are 9 h – 17 h straight).
func openStandardHours(t *testing.T, a *app) {
	t.Helper()
	cm, err := models.CommuneByID(context.Background(), a.DB, a.Commune.ID)
	fixture.Must(t, err)
	cm.OpeningHours = models.Hours{Week: calendar.StandardWeek}
	fixture.Must(t, models.UpdateCommuneIdentity(context.Background(), a.DB, cm))
}

func TestAdminCalendarShowsAYearsHolidays(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)

	page := admin.get("/gestion/admin/calendrier")
	mustStatus(t, page, http.StatusOK)
	assertAccessible(t, page.Doc)
	this := calendar.DateOf(a.Clock.Now()).Year
	mustContain(t, page, "Jours fériés "+strconv.Itoa(this))
	if cur := page.Doc.Find(`nav a[aria-current="page"], nav [aria-current="page"]`).Text(); !strings.Contains(cur, "Calendrier") {
		t.Errorf("the menu does not mark Calendrier as the current page: %q", cur)
	}
	mustContain(t, page, "Du lundi au vendredi : 9 h – 17 h") // the commune's own opening hours (the fixture's)

	page = admin.get("/gestion/admin/calendrier?annee=2027")
	mustStatus(t, page, http.StatusOK)
	rows := holidayRows(page)
	want := []string{
		"vendredi 1er janvier 2027 | Jour de l'an", "lundi 29 mars 2027 | Lundi de Pâques",
		"samedi 1er mai 2027 (week-end) | Fête du Travail", "samedi 8 mai 2027 (week-end) | Victoire du 8 mai 1945",
		"jeudi 6 mai 2027 | Ascension",
	}
	if len(rows) != 11 {
		t.Fatalf("2027: %d holidays: %q", len(rows), rows)
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(rows, "\n"), w) {
			t.Errorf("2027: %q missing from %q", w, rows)
		}
	}
	if prev, _ := page.Doc.Find(`a[rel="prev"]`).Attr("href"); prev != "/gestion/admin/calendrier?annee=2026#feries" {
		t.Errorf("previous year: %q", prev)
	}
	if next, _ := page.Doc.Find(`a[rel="next"]`).Attr("href"); next != "/gestion/admin/calendrier?annee=2028#feries" {
		t.Errorf("next year: %q", next)
	}
	if got := page.Doc.Find("#annee").AttrOr("value", ""); got != "2027" {
		t.Errorf("the year field shows %q", got)
	}

	for _, bad := range []string{"deux mille", "1200", "10000"} {
		r := admin.get("/gestion/admin/calendrier?annee=" + url.QueryEscape(bad))
		mustStatus(t, r, http.StatusUnprocessableEntity)
		assertAccessible(t, r.Doc)
		mustContain(t, r, "Indiquez une année en chiffres, de 1583 à 9999")
		if got := r.Doc.Find("#annee").AttrOr("value", ""); got != bad {
			t.Errorf("typed year %q shown as %q", bad, got)
		}
	}
}

func TestAdminSetsAlsaceMoselle(t *testing.T) {
	a := newApp(t)
	openStandardHours(t, a)
	admin := a.signIn(a.Admin)

	r := admin.post("/gestion/admin/calendrier/alsace-moselle", url.Values{"alsace_moselle": {"oui"}})
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, admin.follow(r), "La commune est comptée en Alsace-Moselle")
	page := admin.get("/gestion/admin/calendrier?annee=2027")
	rows := strings.Join(holidayRows(page), "\n")
	if len(holidayRows(page)) != 13 || !strings.Contains(rows, "vendredi 26 mars 2027 | Vendredi saint") || !strings.Contains(rows, "dimanche 26 décembre 2027 (week-end) | Saint-Étienne") {
		t.Fatalf("Alsace-Moselle 2027: %s", rows)
	}
	if _, on := page.Doc.Find("#alsace_moselle").Attr("checked"); !on {
		t.Error("the box is not ticked")
	}
	// Deadlines count on it: Thu 25 Mar 2027 16:00 + 2 working hours skips
	// Vendredi saint, the weekend and the lundi de Pâques.
	r = admin.get("/gestion/admin/calendrier/essai?" + url.Values{"date": {"2027-03-25"}, "heure": {"16:00"}, "nombre": {"2"}, "unite": {"heures_ouvrees"}}.Encode())
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "échoit le mardi 30 mars 2027 à 9 h 30")

	r = admin.post("/gestion/admin/calendrier/alsace-moselle", url.Values{"alsace_moselle": {"peut-être"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	mustContain(t, r, "Choisissez si la commune est en Alsace-Moselle")

	r = admin.post("/gestion/admin/calendrier/alsace-moselle", nil)
	mustStatus(t, r, http.StatusSeeOther)
	if n := len(holidayRows(admin.get("/gestion/admin/calendrier?annee=2027"))); n != 11 {
		t.Fatalf("back outside Alsace-Moselle: %d holidays", n)
	}
}

func TestAdminAddsAndRemovesAClosure(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)

	r := admin.post("/gestion/admin/calendrier/fermetures", url.Values{"motif": {""}, "du": {"3 août"}, "au": {""}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	mustContain(t, r, "Indiquez le motif de la fermeture, par exemple « Fermeture estivale ».")
	mustContain(t, r, "Indiquez le premier jour de fermeture dans le format attendu, par exemple 2026-08-03.")
	mustContain(t, r, "Indiquez le dernier jour de fermeture, par exemple 2026-08-21.")
	if got := r.Doc.Find("#du").AttrOr("value", ""); got != "3 août" {
		t.Errorf("typed date shown as %q", got)
	}
	r = admin.post("/gestion/admin/calendrier/fermetures", url.Values{"motif": {"Fermeture estivale"}, "du": {"2026-08-21"}, "au": {"2026-08-03"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "La fermeture « Fermeture estivale » finit avant de commencer.")
	if r.Doc.Find("#motif").AttrOr("value", "") != "Fermeture estivale" || r.Doc.Find("#au").AttrOr("value", "") != "2026-08-03" {
		t.Errorf("values lost: %s", text(r))
	}
	r = admin.post("/gestion/admin/calendrier/fermetures", url.Values{"motif": {"Travaux"}, "du": {"2026-01-01"}, "au": {"2027-06-30"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "une fermeture dure au plus un an")

	r = admin.post("/gestion/admin/calendrier/fermetures", url.Values{"motif": {"Fermeture estivale"}, "du": {"2026-08-03"}, "au": {"2026-08-21"}})
	mustStatus(t, r, http.StatusSeeOther)
	page := admin.follow(r)
	mustContain(t, page, "Fermeture « Fermeture estivale » enregistrée, du 3 août 2026 au 21 août 2026")
	mustContain(t, page, "Fermeture estivale lundi 3 août 2026 vendredi 21 août 2026 19")
	cs, err := models.ListClosures(context.Background(), a.DB, a.Commune.ID)
	fixture.Must(t, err)
	if len(cs) != 1 || cs[0].Calendar() != (calendar.Closure{From: calendar.D(2026, 8, 3), To: calendar.D(2026, 8, 21), Label: "Fermeture estivale"}) {
		t.Fatalf("closures: %+v", cs)
	}

	// The try-it box counts on it: Fri 31 Jul 2026 10:00 + 1 working day
	// is the close of Mon 24 Aug. Two months from 31 Jul end on Wed 30
	// Sep: the implicit decision is born on Thu 1 Oct.
	try := url.Values{"date": {"2026-07-31"}, "heure": {"10:00"}, "nombre": {"1"}, "unite": {"jours_ouvres"}}
	r = admin.get("/gestion/admin/calendrier/essai?" + try.Encode())
	mustStatus(t, r, http.StatusOK)
	assertAccessible(t, r.Doc)
	mustContain(t, r, "Parti le vendredi 31 juillet 2026 à 10 h, un délai de 1 jour ouvré échoit le lundi 24 août 2026 à 17 h.")
	mustContain(t, r, "serait réputée acceptée le jeudi 1er octobre 2026")
	if r.Doc.Find("#date").AttrOr("value", "") != "2026-07-31" || r.Doc.Find("#unite option[selected]").AttrOr("value", "") != "jours_ouvres" {
		t.Errorf("the box lost what was typed: %s", text(r))
	}

	r = admin.post("/gestion/admin/calendrier/fermetures/"+itoa(cs[0].ID)+"/supprimer", nil)
	mustStatus(t, r, http.StatusSeeOther)
	page = admin.follow(r)
	mustContain(t, page, "Fermeture « Fermeture estivale » du 3 août 2026 au 21 août 2026 supprimée.")
	mustContain(t, page, "Aucune fermeture enregistrée.")
	mustStatus(t, admin.post("/gestion/admin/calendrier/fermetures/"+itoa(cs[0].ID)+"/supprimer", nil), http.StatusNotFound)
	r = admin.get("/gestion/admin/calendrier/essai?" + try.Encode())
	mustContain(t, r, "échoit le lundi 3 août 2026 à 17 h")
}

func TestAdminTriesADeadline(t *testing.T) {
	a := newApp(t)
	openStandardHours(t, a)
	admin := a.signIn(a.Admin)
	try := func(date, hour, n, unit string) *response {
		return admin.get("/gestion/admin/calendrier/essai?" + url.Values{"date": {date}, "heure": {hour}, "nombre": {n}, "unite": {unit}}.Encode())
	}
	// Over the lunch break, then over closing time.
	mustContain(t, try("2026-09-08", "11:00", "2", "heures_ouvrees"), "échoit le mardi 8 septembre 2026 à 14 h 30")
	mustContain(t, try("2026-09-08", "16:00", "2", "heures_ouvrees"), "échoit le mercredi 9 septembre 2026 à 9 h 30")
	// Over the change to summer time.
	mustContain(t, try("2026-03-27", "16:00", "4", "heures_ouvrees"), "échoit le lundi 30 mars 2026 à 11 h 30")

	r := try("hier", "midi", "0", "semaines")
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	for _, msg := range []string{
		"Indiquez la date de départ dans le format attendu, par exemple 2026-09-07.",
		"Indiquez l'heure de départ dans le format attendu, par exemple 10:00.",
		"Indiquez un nombre de jours ou d'heures de 1 à 1000.",
		"Choisissez l'unité du délai.",
	} {
		mustContain(t, r, msg)
	}
	if r.Doc.Find("#date").AttrOr("value", "") != "hier" || r.Doc.Find("#heure").AttrOr("value", "") != "midi" || r.Doc.Find("#nombre").AttrOr("value", "") != "0" {
		t.Errorf("the box lost what was typed: %s", text(r))
	}
	mustStatus(t, try("2026-09-08", "10:00", "99999999999999999999", "jours_ouvres"), http.StatusUnprocessableEntity)
	mustContain(t, try("2026-09-08", "10:00", "douze", "jours_ouvres"), "Le délai")
}

// Another commune's admin sees and removes nothing of this commune's
// calendar; an agent who is not an admin is refused in French.
func TestCalendarStaysWithinItsCommune(t *testing.T) {
	a := newApp(t)
	other := fixture.NewWorld(t, a.DB)
	admin := a.signIn(a.Admin)
	mustStatus(t, admin.post("/gestion/admin/calendrier/fermetures", url.Values{"motif": {"Pont de l'Ascension"}, "du": {"2026-05-15"}, "au": {"2026-05-15"}}), http.StatusSeeOther)
	mustStatus(t, admin.post("/gestion/admin/calendrier/alsace-moselle", url.Values{"alsace_moselle": {"oui"}}), http.StatusSeeOther)
	cs, err := models.ListClosures(context.Background(), a.DB, a.Commune.ID)
	fixture.Must(t, err)

	stranger := a.signIn(other.Admin)
	page := stranger.get("/gestion/admin/calendrier?annee=2026")
	mustStatus(t, page, http.StatusOK)
	if strings.Contains(page.Body, "Pont de l'Ascension") || strings.Contains(page.Body, a.Commune.Name) || len(holidayRows(page)) != 11 {
		t.Fatalf("another commune's admin sees this commune's calendar: %s", text(page))
	}
	mustStatus(t, stranger.post("/gestion/admin/calendrier/fermetures/"+itoa(cs[0].ID)+"/supprimer", nil), http.StatusNotFound)
	if after, _ := models.ListClosures(context.Background(), a.DB, a.Commune.ID); len(after) != 1 {
		t.Fatalf("another commune's admin removed a closure: %+v", after)
	}
	mustContain(t, stranger.get("/gestion/admin/calendrier/essai?date=2026-05-14&heure=10:00&nombre=1&unite=jours_ouvres"), "échoit le vendredi 15 mai 2026 à 17 h")
	if cm, _ := models.CommuneByID(context.Background(), a.DB, other.Commune.ID); cm.AlsaceMoselle {
		t.Fatal("the flag reached another commune")
	}

	for _, ag := range []*models.Agent{a.Accueil, a.Supervisor} {
		r := a.signIn(ag).get("/gestion/admin/calendrier")
		mustStatus(t, r, http.StatusForbidden)
		if !strings.Contains(text(r), "la permission « Administrer », que votre profil") {
			t.Errorf("%s: the refusal is not in French: %s", ag.Profile.Name, text(r))
		}
	}
}
