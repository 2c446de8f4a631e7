package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"guichet/calendar"
	"guichet/conversation"
	"guichet/deadline"
	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
	"guichet/workflow"
)

// The fixture's commune opens Monday to Friday, 9:00 to 17:00. In
// December 2026, the 7th is a Monday, the 18th a Friday, Christmas a
// Friday; 1 January 2027 is a Friday, the 4th a Monday.
func at2026(month time.Month, day, hour, min int) time.Time {
	year := 2026
	if month == time.January {
		year = 2027
	}
	return time.Date(year, month, day, hour, min, 0, 0, calendar.Paris)
}

// policy gives the commune a deadline policy on a procedure (0: none),
// amounts in hours or days (0: no such target).
func (a *app) policy(t *testing.T, name string, procedureID int64, firstHours, resolution int, unit calendar.Unit) *models.DeadlinePolicy {
	t.Helper()
	p := &models.DeadlinePolicy{CommuneID: a.Commune.ID, Name: name, FirstAnswerUnit: calendar.WorkingHours, ResolutionUnit: unit}
	if procedureID != 0 {
		p.ProcedureID = &procedureID
	}
	if firstHours > 0 {
		p.FirstAnswer = &firstHours
	}
	if resolution > 0 {
		p.Resolution = &resolution
	}
	fixture.Must(t, models.CreateDeadlinePolicy(context.Background(), a.DB, p, a.Clock.Now()))
	return p
}

// clocks are a demand's (or, with conversation, a conversation's) clocks by target.
func (a *app) clocks(t *testing.T, demandID, conversationID int64) map[string]models.DeadlineClock {
	t.Helper()
	var ks []models.DeadlineClock
	q := a.DB.NewSelect().Model(&ks).Where("commune_id = ?", a.Commune.ID)
	if demandID != 0 {
		q.Where("demand_id = ?", demandID)
	} else {
		q.Where("conversation_id = ?", conversationID)
	}
	fixture.Must(t, q.Scan(context.Background()))
	out := map[string]models.DeadlineClock{}
	for _, k := range ks {
		out[k.Target] = k
	}
	return out
}

func stamp(t *time.Time) string {
	if t == nil {
		return "none"
	}
	return t.In(calendar.Paris).Format("2006-01-02 15:04")
}

func (a *app) submitAt(t *testing.T, at time.Time, email string) *models.Demand {
	t.Helper()
	a.Clock.Set(at)
	d := a.Draft(t, email)
	return a.Apply(t, d, workflow.Submit, a.Citizen(d), workflow.Input{})
}

// Due times worked out by hand (the commune open 9:00–17:00 on weekdays,
// closed from 28 to 31 December): across a weekend, Christmas, the closure
// and the year's end, in working hours and in working days; a correction
// stops the resolution clock (no due time while it waits) and the days it
// touched do not count; the correction is the commune's first answer, late.
// A conversation's clock stops while it waits for the citizen.
func TestDueTimesAcrossWeekendsHolidaysClosuresAndAPause(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	fixture.Must(t, models.CreateClosure(ctx, a.DB, models.NewClosure(a.Commune.ID,
		calendar.Closure{From: calendar.D(2026, 12, 28), To: calendar.D(2026, 12, 31), Label: "Fêtes"})))
	a.policy(t, "Signalements", a.Procedure.ID, 4, 5, calendar.WorkingDays)

	cases := []struct {
		name              string
		at                time.Time
		first, resolution string
	}{
		// Fri 16:00–17:00 is 1 h, Mon 9:00 + 3 h; Fri does not count as a
		// day (begun after opening): Mon 21, Tue 22, Wed 23, Thu 24, then
		// Christmas, the closure, 1 January: the fifth is Mon 4 January.
		{"vendredi avant Noël", at2026(time.December, 18, 16, 0), "2026-12-21 12:00", "2027-01-04 17:00"},
		// Thu 15:00–17:00 is 2 h, then nothing open until Mon 4 January
		// 9:00 + 2 h; days: 4, 5, 6, 7, 8 January.
		{"veille de Noël", at2026(time.December, 24, 15, 0), "2027-01-04 11:00", "2027-01-08 17:00"},
	}
	for _, tc := range cases {
		d := a.submitAt(t, tc.at, strings.ReplaceAll(tc.name, " ", "-")+"@exemple.fr")
		ks := a.clocks(t, d.ID, 0)
		if got := stamp(ks[models.TargetFirstAnswer].DueAt); got != tc.first {
			t.Errorf("%s: first answer due %s, want %s", tc.name, got, tc.first)
		}
		if got := stamp(ks[models.TargetResolution].DueAt); got != tc.resolution {
			t.Errorf("%s: resolution due %s, want %s", tc.name, got, tc.resolution)
		}
		if d = a.reload(t, d); stamp(d.DueAt) != tc.first {
			t.Errorf("%s: the demand's due time is %s, want its first answer's, %s", tc.name, stamp(d.DueAt), tc.first)
		}
	}

	// Mon 7 December 10:00: first answer Mon 14:00; five days from Tue 8.
	d := a.submitAt(t, at2026(time.December, 7, 10, 0), "correction@exemple.fr")
	if got := stamp(a.clocks(t, d.ID, 0)[models.TargetResolution].DueAt); got != "2026-12-14 17:00" {
		t.Fatalf("resolution due %s, want 2026-12-14 17:00", got)
	}
	a.Clock.Set(at2026(time.December, 8, 11, 0))
	d = a.Apply(t, d, workflow.RequestCorrection, workflow.AgentActor(a.Accueil), workflow.Input{Message: "Précisez l'adresse."})
	ks := a.clocks(t, d.ID, 0)
	if k := ks[models.TargetResolution]; k.DueAt != nil || !k.Paused() {
		t.Errorf("while the correction is awaited, resolution due %s (paused %v), want none", stamp(k.DueAt), k.Paused())
	}
	if k := ks[models.TargetFirstAnswer]; stamp(k.MetAt) != "2026-12-08 11:00" || stamp(k.DueAt) != "2026-12-07 14:00" {
		t.Errorf("first answer met %s, due %s: want met by the correction, late", stamp(k.MetAt), stamp(k.DueAt))
	}
	if d = a.reload(t, d); d.DueAt != nil {
		t.Errorf("the demand waiting for its citizen is due %s, want none", stamp(d.DueAt))
	}
	a.Clock.Set(at2026(time.December, 9, 15, 0))
	d = a.Apply(t, d, workflow.Resubmit, a.Citizen(d), workflow.Input{})
	// Tue 8 and Wed 9 touched by the pause: Thu 10, Fri 11, Mon 14, Tue 15, Wed 16.
	if got := stamp(a.clocks(t, d.ID, 0)[models.TargetResolution].DueAt); got != "2026-12-16 17:00" {
		t.Errorf("after the correction, resolution due %s, want 2026-12-16 17:00", got)
	}
	if d = a.reload(t, d); stamp(d.DueAt) != "2026-12-16 17:00" {
		t.Errorf("the demand's due time is %s after the correction", stamp(d.DueAt))
	}
	a.Clock.Set(at2026(time.December, 10, 10, 0))
	a.Apply(t, d, workflow.Accept, workflow.AgentActor(a.Accueil), workflow.Input{})
	if k := a.clocks(t, d.ID, 0)[models.TargetResolution]; stamp(k.MetAt) != "2026-12-10 10:00" {
		t.Errorf("the decision did not meet the resolution: met %s", stamp(k.MetAt))
	}
	if d = a.reload(t, d); d.DueAt != nil {
		t.Errorf("a decided demand is due %s", stamp(d.DueAt))
	}

	// A conversation about a procedure with 8 working hours to resolve:
	// opened Mon 10:00, answered at 11:00 (1 h used, then waiting), the
	// citizen writes Tue 14:00: Tue 14:00–17:00, Wed 9:00 + 4 h.
	contact := &models.Procedure{CommuneID: a.Commune.ID, Slug: "contact", Active: true,
		ProcedureVersion: models.ProcedureVersion{Title: "Question", Form: []models.Field{{Name: "q", Label: "Question", Type: "text"}}}}
	fixture.Must(t, models.CreateProcedure(ctx, a.DB, contact))
	a.policy(t, "Questions", contact.ID, 0, 8, calendar.WorkingHours)
	a.Clock.Set(at2026(time.December, 7, 10, 0))
	cv, _, err := a.App.Conversations.Open(ctx, a.Commune, conversation.Citizen(a.Commune.ID, "Camille Martin"),
		conversation.OpenInput{Subject: "Horaires", Email: "camille@exemple.fr", Name: "Camille Martin", ProcedureID: contact.ID,
			Client: "client:camille", Message: conversation.MessageInput{Body: "Quels horaires ?"}})
	fixture.Must(t, err)
	if got := stamp(a.clocks(t, 0, cv.ID)[models.TargetResolution].DueAt); got != "2026-12-08 10:00" {
		t.Errorf("conversation due %s at opening, want 2026-12-08 10:00", got)
	}
	a.Clock.Set(at2026(time.December, 7, 11, 0))
	_, _, err = a.App.Conversations.Post(ctx, a.Commune, workflow.AgentActor(a.Accueil), cv.ID, conversation.MessageInput{Body: "Lesquels ?"})
	fixture.Must(t, err)
	if k := a.clocks(t, 0, cv.ID)[models.TargetResolution]; k.DueAt != nil {
		t.Errorf("a conversation waiting for its citizen is due %s", stamp(k.DueAt))
	}
	a.Clock.Set(at2026(time.December, 8, 14, 0))
	_, _, err = a.App.Conversations.Post(ctx, a.Commune, conversation.CitizenOf(cv), cv.ID, conversation.MessageInput{Body: "Ceux de la mairie."})
	fixture.Must(t, err)
	if got := stamp(a.clocks(t, 0, cv.ID)[models.TargetResolution].DueAt); got != "2026-12-09 13:00" {
		t.Errorf("conversation due %s after the citizen's answer, want 2026-12-09 13:00", got)
	}
	got, err := models.ConversationByID(ctx, a.DB, a.Commune.ID, cv.ID)
	fixture.Must(t, err)
	if stamp(got.DueAt) != "2026-12-09 13:00" {
		t.Errorf("the conversation's due time is %s", stamp(got.DueAt))
	}
}

// The warning goes to the agent a demand is assigned to, the lapse notice
// to the supervisors, each once however often the job runs, each a history
// entry; a demand answered in time gets neither.
func TestDeadlineWarningAndLapseSentOnce(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	a.policy(t, "Rapide", a.Procedure.ID, 2, 0, calendar.WorkingDays)
	// Mon 7 December 9:00, 2 working hours: warned at 10:00, due at 11:00.
	late := a.submitAt(t, at2026(time.December, 7, 9, 0), "attente@exemple.fr")
	answered := a.submitAt(t, at2026(time.December, 7, 9, 0), "repondue@exemple.fr")
	_, err := a.DB.NewRaw("UPDATE demands SET assignee_id = ? WHERE id = ?", a.Accueil.ID, late.ID).Exec(ctx) // as a rule would
	fixture.Must(t, err)
	a.Clock.Set(at2026(time.December, 7, 9, 30))
	a.Apply(t, answered, workflow.RequestCorrection, workflow.AgentActor(a.Accueil), workflow.Input{Message: "Précisez."})
	a.sendMail()
	before := len(a.SMTP.Messages())

	run := func(h, m, want int) {
		t.Helper()
		a.Clock.Set(at2026(time.December, 7, h, m))
		ran, ok := a.App.Jobs.RunDue(ctx)["deadline warnings and lapses sent"]
		fixture.Must(t, ran.Err)
		if !ok || ran.N != want {
			t.Fatalf("run at %02d:%02d: %d handled (ran %v), want %d", h, m, ran.N, ok, want)
		}
	}
	run(9, 50, 0)
	run(10, 0, 1)
	run(10, 30, 0)
	run(11, 0, 1)
	run(11, 30, 0)
	run(14, 0, 0)

	mails := a.sendMail()[before:]
	var warned, lapsed []string
	for _, m := range mails {
		switch {
		case strings.HasPrefix(m.Subject, "Échéance proche"):
			warned = append(warned, m.To...)
		case strings.HasPrefix(m.Subject, "Échéance dépassée"):
			lapsed = append(lapsed, m.To...)
		}
		if !strings.Contains(m.Subject, late.Reference) {
			t.Errorf("a deadline mail about another demand than %s: %q", late.Reference, m.Subject)
		}
	}
	if !slices.Equal(warned, []string{a.Accueil.Email}) {
		t.Errorf("warning sent to %v, want the accueil agent once", warned)
	}
	if !slices.Equal(lapsed, []string{a.Supervisor.Email}) {
		t.Errorf("lapse notice sent to %v, want the supervisor once", lapsed)
	}
	for _, m := range mails {
		if strings.HasPrefix(m.Subject, "Échéance") && (!strings.Contains(oneLine(m.Text), "07/12/2026 à 11:00") || !strings.Contains(m.Text, "/gestion/demandes/"+itoa(late.ID))) {
			t.Errorf("the mail lacks the due time or the demand's link:\n%s", m.Text)
		}
	}
	evs, err := models.HistoryOfKinds(ctx, a.DB, a.Commune.ID, late.ID, deadline.KindWarned, deadline.KindLapsed)
	fixture.Must(t, err)
	if len(evs) != 2 || evs[0].Kind != deadline.KindWarned || evs[1].Kind != deadline.KindLapsed {
		t.Errorf("history of the late demand: %+v, want one warning then one lapse", evs)
	}
	page := a.signIn(a.Supervisor).get("/gestion/demandes/" + itoa(late.ID))
	mustContain(t, page, "Échéance de première réponse dépassée (07/12/2026 à 11:00) : la supervision prévenue")
}

// The share of deadlines met, per team and per motif, from demands whose
// outcome was worked out by hand (first answer in 2 working hours, the
// commune open from 9:00, all received Mon 7 December at 9:00, due 11:00):
//
//	in time   accueil, motif Voirie       (corrected at 10:00)
//	late      accueil, motif Voirie       (corrected at 12:00)
//	in time   service Urbanisme, Propreté (transferred at 10:30)
//	missed    accueil, no motif           (never answered, due passed)
//	excluded  accueil, motif Voirie       (received at 15:00, not due yet at 16:00)
//
// Per team: Accueil 1 met, 2 missed, 33 %; Urbanisme 1 met, 100 %.
// Per motif: Propreté 100 %; Voirie 1 and 1, 50 %; none: 0 met, 1 missed, 0 %.
func TestShareOfDeadlinesMetPerTeamAndMotif(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	a.policy(t, "Rapide", a.Procedure.ID, 2, 0, calendar.WorkingDays)
	voirie := &models.Motif{CommuneID: a.Commune.ID, Name: "Voirie"}
	proprete := &models.Motif{CommuneID: a.Commune.ID, Name: "Propreté"}
	fixture.Must(t, models.CreateMotif(ctx, a.DB, voirie))
	fixture.Must(t, models.CreateMotif(ctx, a.DB, proprete))
	agent := workflow.AgentActor(a.Accueil)
	classify := func(d *models.Demand, m *models.Motif) {
		fixture.Must(t, a.Engine.Reclassify(ctx, d.ID, agent, m.ID))
	}
	at := func(h, m int) { a.Clock.Set(at2026(time.December, 7, h, m)) }
	inTime := a.submitAt(t, at2026(time.December, 7, 9, 0), "a@exemple.fr")
	late := a.submitAt(t, at2026(time.December, 7, 9, 0), "b@exemple.fr")
	service := a.submitAt(t, at2026(time.December, 7, 9, 0), "c@exemple.fr")
	a.submitAt(t, at2026(time.December, 7, 9, 0), "d@exemple.fr") // missed
	classify(inTime, voirie)
	classify(late, voirie)
	classify(service, proprete)
	at(10, 0)
	a.Apply(t, inTime, workflow.RequestCorrection, agent, workflow.Input{Message: "Précisez."})
	at(10, 30)
	a.Apply(t, service, workflow.Transfer, agent, workflow.Input{ServiceID: a.Urbanisme.ID})
	at(12, 0)
	a.Apply(t, late, workflow.RequestCorrection, agent, workflow.Input{Message: "Précisez."})
	classify(a.submitAt(t, at2026(time.December, 7, 15, 0), "e@exemple.fr"), voirie)
	at(16, 0)

	page := a.signIn(a.Supervisor).get("/gestion/supervision/echeances")
	mustStatus(t, page, http.StatusOK)
	rows := func(caption string) []string {
		var out []string
		page.Doc.Find("table:has(caption:contains('" + caption + "')) tbody tr").Each(func(_ int, s *goquery.Selection) {
			out = append(out, oneLine(strings.Join(s.Find("th, td").Map(func(_ int, c *goquery.Selection) string { return c.Text() }), " ")))
		})
		return out
	}
	if got, want := rows("par équipe"), []string{"Accueil première réponse 1 2 33 %", "urbanisme première réponse 1 0 100 %"}; !slices.Equal(got, want) {
		t.Errorf("per team: %q, want %q", got, want)
	}
	if got, want := rows("par motif"), []string{"Sans motif première réponse 0 1 0 %", "Propreté première réponse 1 0 100 %", "Voirie première réponse 1 1 50 %"}; !slices.Equal(got, want) {
		t.Errorf("per motif: %q, want %q", got, want)
	}
}

// The lists sort by due time, the nearest first and those without one
// last, and say in words which are late and which are due today: the
// demands' lists and the Messages inbox.
func TestListsSortByDueTimeAndSayWhatIsLate(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	a.policy(t, "Rapide", a.Procedure.ID, 4, 0, calendar.WorkingDays)
	late := a.submitAt(t, at2026(time.December, 4, 10, 0), "retard@exemple.fr")    // due Fri 4, 14:00
	later := a.submitAt(t, at2026(time.December, 7, 9, 0), "plus-tard@exemple.fr") // due Mon 7, 13:00
	today := a.submitAt(t, at2026(time.December, 7, 8, 0), "jour@exemple.fr")      // due Mon 7, 13:00: opened at 9:00
	none := a.submitAt(t, at2026(time.December, 7, 9, 0), "aucune@exemple.fr")
	a.Apply(t, none, workflow.Accept, workflow.AgentActor(a.Accueil), workflow.Input{})
	a.Clock.Set(at2026(time.December, 7, 11, 0))

	list := a.signIn(a.Supervisor).get("/gestion/supervision?etat=tous&tri=echeance")
	mustStatus(t, list, http.StatusOK)
	// Equal due times keep the order of ids.
	if got, want := rowRefs(list), []string{late.Reference, later.Reference, today.Reference, none.Reference}; !slices.Equal(got, want) {
		t.Errorf("by due time: %q, want %q", got, want)
	}
	row := func(r *response, ref string) string {
		return oneLine(r.Doc.Find("tr:contains('" + ref + "')").Text())
	}
	for ref, want := range map[string]string{late.Reference: "04/12/2026 14:00 en retard", today.Reference: "07/12/2026 13:00 à échéance aujourd'hui"} {
		if !strings.Contains(row(list, ref), want) {
			t.Errorf("row %s: %q, want %q", ref, row(list, ref), want)
		}
	}
	if r := row(list, none.Reference); strings.Contains(r, "échéance") || strings.Contains(r, "retard") {
		t.Errorf("a decided demand's row: %q", r)
	}
	desc := a.signIn(a.Supervisor).get("/gestion/supervision?etat=tous&tri=echeance&ordre=desc")
	if got := rowRefs(desc); len(got) != 4 || got[0] != none.Reference || got[3] != late.Reference {
		t.Errorf("by due time, descending: %q", got)
	}

	contact := a.policy(t, "Messages", 0, 1, 0, calendar.WorkingDays)
	a.Clock.Set(at2026(time.December, 7, 10, 0))
	waiting := a.openConversation(t, "sans@exemple.fr", "Sans délai", "Bonjour.")
	urgent := a.openConversation(t, "vite@exemple.fr", "Avec délai", "Bonjour.")
	fixture.Must(t, a.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return deadline.Apply(ctx, tx, deadline.OfConversation(urgent), contact, urgent.CreatedAt, urgent.CreatedAt, deadline.State{})
	}))
	a.Clock.Set(at2026(time.December, 7, 11, 30))
	inbox := a.signIn(a.Accueil).get("/gestion/messages?tri=echeance")
	mustStatus(t, inbox, http.StatusOK)
	subjects := inbox.Doc.Find("tbody tr td:first-child a").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
	if !slices.Equal(subjects, []string{"Avec délai", "Sans délai"}) {
		t.Errorf("inbox by due time: %q", subjects)
	}
	if r := row(inbox, "Avec délai"); !strings.Contains(r, "07/12/2026 11:00 en retard") {
		t.Errorf("the late conversation's row: %q", r)
	}
	if r := row(inbox, waiting.Reference); strings.Contains(r, "retard") {
		t.Errorf("a conversation without a deadline: %q", r)
	}
}

// The admin's page: a policy added, then refused in French with what was
// typed kept; two admins saving the same policy: the second is told it
// changed meanwhile, their input kept; each change a history entry shown
// on the policy's page; another commune's admin gets nothing.
func TestDeadlinePolicyAdminPage(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	r := admin.post("/gestion/admin/echeances", url.Values{"nom": {"Voirie"}, "cible": {"demarche:" + itoa(a.Procedure.ID)},
		"premiere_reponse": {"4"}, "premiere_reponse_unite": {"heures_ouvrees"}, "resolution": {"10"}, "resolution_unite": {"jours_ouvres"}})
	mustStatus(t, r, http.StatusSeeOther)
	list := admin.get("/gestion/admin/echeances")
	mustContain(t, list, "première réponse en 4 heures ouvrées, résolution en 10 jours ouvrés, pour la démarche "+a.Procedure.Title)
	ps, err := models.DeadlinePolicies(context.Background(), a.DB, a.Commune.ID)
	fixture.Must(t, err)
	if len(ps) != 1 {
		t.Fatalf("%d policies", len(ps))
	}
	p := ps[0]
	path := "/gestion/admin/echeances/" + itoa(p.ID)

	for _, tc := range []struct {
		form  url.Values
		field string
		says  string
	}{
		{url.Values{"nom": {"  "}, "resolution": {"3"}, "premiere_reponse_unite": {"heures_ouvrees"}, "resolution_unite": {"jours_ouvres"}}, "nom", "Indiquez le nom de la politique"},
		{url.Values{"nom": {"Lent"}, "resolution": {"trois"}, "premiere_reponse_unite": {"heures_ouvrees"}, "resolution_unite": {"jours_ouvres"}}, "resolution", "Indiquez un nombre entier de 1 à 999"},
		{url.Values{"nom": {"Lent"}, "premiere_reponse_unite": {"heures_ouvrees"}, "resolution_unite": {"jours_ouvres"}}, "premiere_reponse", "Fixez au moins un délai"},
		{url.Values{"nom": {"Lent"}, "resolution": {"3"}, "premiere_reponse_unite": {"heures_ouvrees"}, "resolution_unite": {"semaines"}}, "resolution_unite", "Choisissez l'unité du délai de résolution"},
		{url.Values{"nom": {"Lent"}, "resolution": {"3"}, "cible": {"motif:999999"}, "premiere_reponse_unite": {"heures_ouvrees"}, "resolution_unite": {"jours_ouvres"}}, "cible", "Ce motif n'existe pas"},
		{url.Values{"nom": {"voirie"}, "resolution": {"3"}, "premiere_reponse_unite": {"heures_ouvrees"}, "resolution_unite": {"jours_ouvres"}}, "nom", "porte déjà ce nom"},
		{url.Values{"nom": {"Lent"}, "resolution": {"3"}, "cible": {"demarche:" + itoa(a.Procedure.ID)}, "premiere_reponse_unite": {"heures_ouvrees"}, "resolution_unite": {"jours_ouvres"}}, "cible", "s'applique déjà à cette démarche"},
	} {
		r := admin.post("/gestion/admin/echeances", tc.form)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(oneLine(text(r)), tc.says) {
			t.Errorf("%v: the page lacks %q", tc.form, tc.says)
		}
		if v, _ := r.Doc.Find("#nom").Attr("value"); v != strings.TrimSpace(tc.form.Get("nom")) {
			t.Errorf("%v: the name typed is not kept: %q", tc.form, v)
		}
		if v := tc.form.Get("resolution"); v != "" {
			if got, _ := r.Doc.Find("#resolution").Attr("value"); got != v {
				t.Errorf("%v: the resolution typed is not kept: %q", tc.form, got)
			}
		}
	}

	// Two admins open the page; the first saves, then the second.
	second := a.signIn(a.NewAgent(t, "admin2", a.Profiles[perm.AdminProfile]))
	mustStatus(t, second.get(path), http.StatusOK)
	edit := func(c *client, first string) *response {
		return c.post(path, url.Values{"nom": {"Voirie"}, "cible": {"demarche:" + itoa(a.Procedure.ID)}, "premiere_reponse": {first},
			"premiere_reponse_unite": {"heures_ouvrees"}, "resolution": {"10"}, "resolution_unite": {"jours_ouvres"}, "version": {"1"}})
	}
	mustStatus(t, edit(admin, "6"), http.StatusSeeOther)
	r = edit(second, "2")
	mustStatus(t, r, http.StatusConflict)
	mustContain(t, r, "modifiée entre-temps")
	if v, _ := r.Doc.Find("#premiere_reponse").Attr("value"); v != "2" {
		t.Errorf("the second admin's input is not kept: %q", v)
	}
	if v, _ := r.Doc.Find("input[name=version]").Attr("value"); v != "2" {
		t.Errorf("the form does not save over the current version: %q", v)
	}
	got, err := models.DeadlinePolicyByID(context.Background(), a.DB, a.Commune.ID, p.ID)
	fixture.Must(t, err)
	if *got.FirstAnswer != 6 {
		t.Errorf("first answer %d, want the first admin's 6", *got.FirstAnswer)
	}
	page := admin.get(path)
	for _, w := range []string{"Agent admin : première réponse en 6 heures ouvrées", "Agent admin : créée, première réponse en 4 heures ouvrées"} {
		if !strings.Contains(oneLine(text(page)), oneLine(w)) {
			t.Errorf("the policy's history lacks %q: %s", w, text(page))
		}
	}

	other := fixture.NewWorld(t, a.DB)
	intruder := a.signIn(other.Admin)
	mustStatus(t, intruder.get(path), http.StatusNotFound)
	mustStatus(t, edit(intruder, "1"), http.StatusNotFound)
	if offers(intruder.get("/gestion/admin/echeances"), path) {
		t.Error("another commune's admin sees this commune's policy")
	}
	got, err = models.DeadlinePolicyByID(context.Background(), a.DB, a.Commune.ID, p.ID)
	fixture.Must(t, err)
	if *got.FirstAnswer != 6 || got.Version != 2 {
		t.Errorf("another commune's admin changed the policy: %+v", got)
	}
}

// A reclassified demand goes under its new motif's policy at once, its
// clocks counted from its receipt; reclassified to a motif without one, it
// goes back under its procedure's.
func TestReclassifyingRecomputesTheDueTimes(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	a.policy(t, "Signalements", a.Procedure.ID, 4, 5, calendar.WorkingDays)
	urgent := &models.Motif{CommuneID: a.Commune.ID, Name: "Urgence"}
	other := &models.Motif{CommuneID: a.Commune.ID, Name: "Divers"}
	fixture.Must(t, models.CreateMotif(ctx, a.DB, urgent))
	fixture.Must(t, models.CreateMotif(ctx, a.DB, other))
	two := 2
	fixture.Must(t, models.CreateDeadlinePolicy(ctx, a.DB, &models.DeadlinePolicy{CommuneID: a.Commune.ID, Name: "Urgences", MotifID: &urgent.ID,
		FirstAnswerUnit: calendar.WorkingHours, Resolution: &two, ResolutionUnit: calendar.WorkingDays}, a.Clock.Now()))
	agent := workflow.AgentActor(a.Accueil)

	// Mon 7 December 10:00: first answer Mon 14:00, resolution Mon 14 17:00.
	d := a.submitAt(t, at2026(time.December, 7, 10, 0), "reclasse@exemple.fr")
	if d = a.reload(t, d); stamp(d.DueAt) != "2026-12-07 14:00" {
		t.Fatalf("due %s at submission, want 2026-12-07 14:00", stamp(d.DueAt))
	}
	a.Clock.Set(at2026(time.December, 7, 11, 0))
	fixture.Must(t, a.Engine.Reclassify(ctx, d.ID, agent, urgent.ID))
	// Two working days from the receipt: Tue 8, Wed 9; no first answer target.
	ks := a.clocks(t, d.ID, 0)
	if _, ok := ks[models.TargetFirstAnswer]; ok || stamp(ks[models.TargetResolution].DueAt) != "2026-12-09 17:00" {
		t.Errorf("after the reclassification, clocks %v, want only a resolution due 2026-12-09 17:00", ks)
	}
	if d = a.reload(t, d); stamp(d.DueAt) != "2026-12-09 17:00" {
		t.Errorf("the reclassified demand is due %s, want 2026-12-09 17:00", stamp(d.DueAt))
	}
	fixture.Must(t, a.Engine.Reclassify(ctx, d.ID, agent, other.ID))
	if d = a.reload(t, d); stamp(d.DueAt) != "2026-12-07 14:00" {
		t.Errorf("reclassified to a motif without a policy, due %s, want the procedure's first answer, 2026-12-07 14:00", stamp(d.DueAt))
	}
	if got := stamp(a.clocks(t, d.ID, 0)[models.TargetResolution].DueAt); got != "2026-12-14 17:00" {
		t.Errorf("resolution due %s, want the procedure's, 2026-12-14 17:00", got)
	}
}

// A closure added (then removed) moves the due times of the commune's
// running clocks, demands' and conversations', once the job has run; a
// decided demand keeps what its clocks said.
func TestCalendarChangeRecomputesTheOpenDueTimes(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	a.policy(t, "Signalements", a.Procedure.ID, 0, 5, calendar.WorkingDays)
	contact := &models.Procedure{CommuneID: a.Commune.ID, Slug: "contact", Active: true,
		ProcedureVersion: models.ProcedureVersion{Title: "Question", Form: []models.Field{{Name: "q", Label: "Question", Type: "text"}}}}
	fixture.Must(t, models.CreateProcedure(ctx, a.DB, contact))
	a.policy(t, "Questions", contact.ID, 0, 8, calendar.WorkingHours)

	// Mon 7 December 10:00: five days from Tue 8, to Mon 14 17:00; the
	// conversation's eight hours to Tue 8 10:00.
	open := a.submitAt(t, at2026(time.December, 7, 10, 0), "ouverte@exemple.fr")
	decided := a.submitAt(t, at2026(time.December, 7, 10, 0), "decidee@exemple.fr")
	a.Apply(t, decided, workflow.Accept, workflow.AgentActor(a.Accueil), workflow.Input{})
	cv, _, err := a.App.Conversations.Open(ctx, a.Commune, conversation.Citizen(a.Commune.ID, "Camille Martin"),
		conversation.OpenInput{Subject: "Horaires", Email: "camille@exemple.fr", Name: "Camille Martin", ProcedureID: contact.ID,
			Client: "client:camille", Message: conversation.MessageInput{Body: "Quels horaires ?"}})
	fixture.Must(t, err)
	decidedClock := a.clocks(t, decided.ID, 0)[models.TargetResolution]

	dues := func() (string, string) {
		t.Helper()
		got, err := models.ConversationByID(ctx, a.DB, a.Commune.ID, cv.ID)
		fixture.Must(t, err)
		return stamp(a.reload(t, open).DueAt), stamp(got.DueAt)
	}
	check := func(when, demand, conv string) {
		t.Helper()
		if d, c := dues(); d != demand || c != conv {
			t.Errorf("%s: the demand due %s, the conversation %s; want %s and %s", when, d, c, demand, conv)
		}
		if k := a.clocks(t, decided.ID, 0)[models.TargetResolution]; stamp(k.DueAt) != stamp(decidedClock.DueAt) || stamp(k.MetAt) != stamp(decidedClock.MetAt) {
			t.Errorf("%s: the decided demand's clock moved: due %s, met %s", when, stamp(k.DueAt), stamp(k.MetAt))
		}
	}
	check("before", "2026-12-14 17:00", "2026-12-08 10:00")

	admin := a.signIn(a.Admin)
	mustStatus(t, admin.post("/gestion/admin/calendrier/fermetures", url.Values{"motif": {"Inventaire"}, "du": {"2026-12-08"}, "au": {"2026-12-09"}}), http.StatusSeeOther)
	if ran := a.App.Jobs.RunDue(ctx)[deadline.RetimeJob]; ran.Err != nil || ran.N != 2 {
		t.Fatalf("the job recomputed %d subjects (%v), want the open demand and the conversation", ran.N, ran.Err)
	}
	// Tue 8 and Wed 9 closed: Thu 10, Fri 11, Mon 14, Tue 15, Wed 16; the
	// conversation's 7 hours on Monday, its eighth on Thu 10 from 9:00.
	check("closed 8 and 9 December", "2026-12-16 17:00", "2026-12-10 10:00")
	if ran := a.App.Jobs.RunDue(ctx)[deadline.RetimeJob]; ran.N != 0 {
		t.Errorf("the job recomputed %d subjects again with the calendar unchanged", ran.N)
	}

	cs, err := models.ListClosures(ctx, a.DB, a.Commune.ID)
	fixture.Must(t, err)
	mustStatus(t, admin.post("/gestion/admin/calendrier/fermetures/"+itoa(cs[0].ID)+"/supprimer", nil), http.StatusSeeOther)
	a.App.Jobs.RunDue(ctx)
	check("the closure removed", "2026-12-14 17:00", "2026-12-08 10:00")
}
