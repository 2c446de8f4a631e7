package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/fixture"
	"guichet/handlers/web"
	"guichet/links"
	"guichet/models"
	"guichet/satisfaction"
	"guichet/workflow"
)

// decided accepts a submitted demand as the accueil and returns it with
// the rating link its citizen received.
func decided(t *testing.T, a *app) (*models.Demand, string) {
	t.Helper()
	d := a.DemandAt(t, fixture.AtSubmitted)
	r := a.signIn(a.Accueil).post("/gestion/demandes/"+itoa(d.ID)+"/actions/accepter", url.Values{"confirmer": {"oui"}, "version": {itoa(int64(d.Version))}})
	mustStatus(t, r, http.StatusSeeOther)
	var link string
	for _, m := range a.sendMail() {
		if m.To[0] == d.CitizenEmail && strings.Contains(m.Subject, d.Reference+" acceptée") {
			link = linkIn(t, m, "/evaluer/")
		}
	}
	if link == "" {
		t.Fatalf("no rating link mailed to %s", d.CitizenEmail)
	}
	return d, link
}

func ratingOf(t *testing.T, a *app, demandID int64) *models.Rating {
	t.Helper()
	r := new(models.Rating)
	fixture.Must(t, a.DB.NewSelect().Model(r).Where("demand_id = ?", demandID).Scan(t.Context()))
	return r
}

// A decision mails a rating link that opens an accessible form (radio
// buttons in a fieldset with its legend), refuses a missing score in
// French with the comment kept, rates once, and refuses a second use.
func TestARatingLinkRatesItsDemandOnce(t *testing.T) {
	a := newApp(t)
	d, link := decided(t, a)
	c := a.client()
	page := c.get(link)
	mustStatus(t, page, http.StatusOK)
	if page.Doc.Find(`fieldset legend:contains("Êtes-vous satisfait")`).Length() != 1 || page.Doc.Find(`fieldset input[type=radio][name=note]`).Length() != 5 {
		t.Fatalf("rating page lacks its radio group: %s", text(page))
	}
	if !strings.Contains(text(page), d.Reference) {
		t.Errorf("rating page does not name the demand %s: %s", d.Reference, text(page))
	}
	bad := c.post(pathOf(t, link), url.Values{"note": {"9"}, "commentaire": {"Rapide et clair."}})
	mustStatus(t, bad, http.StatusUnprocessableEntity)
	if !strings.Contains(text(bad), "Choisissez une note de 1 à 5") || bad.Doc.Find("textarea#commentaire").Text() != "Rapide et clair." {
		t.Errorf("bad score: want a French message and the comment kept: %s", text(bad))
	}
	mustStatus(t, c.post(pathOf(t, link), url.Values{"note": {"4"}, "commentaire": {"Rapide et clair."}}), http.StatusSeeOther)
	r := ratingOf(t, a, d.ID)
	if r.Score == nil || *r.Score != 4 || r.Comment != "Rapide et clair." || r.FollowUp != "" {
		t.Fatalf("rating stored %+v", r)
	}
	again := c.post(pathOf(t, link), url.Values{"note": {"1"}})
	mustStatus(t, again, http.StatusGone)
	if !strings.Contains(text(again), "déjà donné votre avis") {
		t.Errorf("second use: %s", text(again))
	}
	if r := ratingOf(t, a, d.ID); *r.Score != 4 {
		t.Errorf("second use changed the score to %d", *r.Score)
	}
}

// A link is bound to its demand and its commune: claims naming another
// demand, or the link under another commune's address, rate nothing.
func TestARatingLinkIsForItsDemandOnly(t *testing.T) {
	a := newApp(t)
	d, link := decided(t, a)
	other, _ := decided(t, a)
	mine := ratingOf(t, a, d.ID)
	forged, err := a.Links.Sign(links.Rating, links.Claims{CommuneID: a.Commune.ID, RatingID: mine.ID, DemandID: other.ID}, time.Hour)
	fixture.Must(t, err)
	c := a.client()
	mustStatus(t, c.post("/c/"+a.Commune.Slug+"/evaluer/"+forged, url.Values{"note": {"1"}}), http.StatusForbidden)
	elsewhere := fixture.NewWorld(t, a.DB)
	mustStatus(t, c.post("/c/"+elsewhere.Commune.Slug+"/evaluer/"+tokenOf(link), url.Values{"note": {"1"}}), http.StatusForbidden)
	if r := ratingOf(t, a, d.ID); r.RatedAt != nil {
		t.Errorf("a forged or misplaced link rated demand %d", d.ID)
	}
	if r := ratingOf(t, a, other.ID); r.RatedAt != nil {
		t.Errorf("a link rated another demand")
	}
}

// After 30 days the link no longer opens nor rates.
func TestARatingLinkExpiresAfter30Days(t *testing.T) {
	a := newApp(t)
	d, link := decided(t, a)
	a.Clock.Advance(29 * 24 * time.Hour)
	mustStatus(t, a.client().get(link), http.StatusOK)
	a.Clock.Advance(2 * 24 * time.Hour)
	r := a.client().post(pathOf(t, link), url.Values{"note": {"5"}})
	mustStatus(t, r, http.StatusGone)
	if !strings.Contains(text(r), "expiré") {
		t.Errorf("expired link: %s", text(r))
	}
	if ratingOf(t, a, d.ID).RatedAt != nil {
		t.Error("an expired link rated")
	}
}

// A rating of 2 opens a follow-up the supervisor sees (score, comment, a
// link to the demand), records and closes, each step in the demand's
// history; an empty note is refused in French.
func TestALowRatingOpensAFollowUpForTheSupervisor(t *testing.T) {
	a := newApp(t)
	d, link := decided(t, a)
	mustStatus(t, a.client().post(pathOf(t, link), url.Values{"note": {"2"}, "commentaire": {"Personne ne m'a expliqué."}}), http.StatusSeeOther)
	sup := a.signIn(a.Supervisor)
	list := sup.get("/gestion/supervision/suivis")
	mustStatus(t, list, http.StatusOK)
	if !strings.Contains(text(list), "Note 2/5") || !strings.Contains(text(list), "Personne ne m'a expliqué.") ||
		list.Doc.Find(`a[href="/gestion/demandes/`+itoa(d.ID)+`"]`).Length() != 1 {
		t.Fatalf("follow-up list: %s", text(list))
	}
	r := ratingOf(t, a, d.ID)
	path := "/gestion/supervision/suivis/" + itoa(r.ID)
	empty := sup.post(path, url.Values{"suivi": {"  "}, "clore": {"1"}})
	mustStatus(t, empty, http.StatusUnprocessableEntity)
	if !strings.Contains(text(empty), "Écrivez ce qui a été fait") {
		t.Errorf("empty follow-up: %s", text(empty))
	}
	mustStatus(t, sup.post(path, url.Values{"suivi": {"Rappelée, tout est expliqué."}, "clore": {"1"}}), http.StatusSeeOther)
	if r := ratingOf(t, a, d.ID); r.FollowUp != models.FollowUpClosed || r.FollowUpNote != "Rappelée, tout est expliqué." {
		t.Errorf("follow-up %+v", r)
	}
	evs, err := models.HistoryOfKinds(t.Context(), a.DB, a.Commune.ID, d.ID, satisfaction.KindRated, satisfaction.KindFollowUpClosed)
	fixture.Must(t, err)
	if len(evs) != 2 {
		t.Errorf("history of the rating: %d entries, want rated and closed", len(evs))
	}
	if page := sup.get("/gestion/demandes/" + itoa(d.ID)); !strings.Contains(text(page), "Note de l'usager : 2/5") {
		t.Errorf("demand page's history lacks the rating: %s", text(page))
	}
}

// The indicators: the supervisor sees every team's ratings, an accueil
// agent the accueil's only.
func TestSatisfactionIndicatorsShowEachTeamItsOwn(t *testing.T) {
	a := newApp(t)
	d, link := decided(t, a) // by the accueil
	mustStatus(t, a.client().post(pathOf(t, link), url.Values{"note": {"5"}}), http.StatusSeeOther)
	byVoirie := a.DemandAt(t, fixture.AtTransferred)
	now := a.Clock.Now()
	one := int16(1)
	fixture.Must(t, models.InsertRating(t.Context(), a.DB, &models.Rating{CommuneID: a.Commune.ID, DemandID: &byVoirie.ID, ServiceID: &a.Voirie.ID,
		ProcedureID: &d.ProcedureID, Email: "x@exemple.fr", RequestedAt: now, Score: &one, RatedAt: &now, FollowUp: models.FollowUpOpen}))

	page := a.signIn(a.Supervisor).get("/gestion/satisfaction")
	mustStatus(t, page, http.StatusOK)
	teams := page.Doc.Find(`table:has(caption:contains("Par équipe")) tbody`).Text()
	if !strings.Contains(teams, "Accueil") || !strings.Contains(teams, a.Voirie.Name) {
		t.Errorf("supervisor's teams: %q", teams)
	}
	if months := page.Doc.Find(`table:has(caption:contains("Par mois")) tbody td`).First().Text(); months != "2" {
		t.Errorf("supervisor's ratings this month: %q, want 2", months)
	}
	own := a.signIn(a.Accueil).get("/gestion/satisfaction")
	mustStatus(t, own, http.StatusOK)
	teams = own.Doc.Find(`table:has(caption:contains("Par équipe")) tbody`).Text()
	if !strings.Contains(teams, "Accueil") || strings.Contains(teams, a.Voirie.Name) {
		t.Errorf("accueil agent's teams: %q, want the accueil's only", teams)
	}
	if offers(own, "/gestion/supervision/suivis") {
		t.Error("an accueil agent is offered the supervisor's follow-ups")
	}
}

// Resolving a conversation asks its citizen to rate the answer, once.
func TestAResolvedConversationAsksForARating(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Horaires", "Quels sont vos horaires ?")
	c := a.signIn(a.Accueil)
	mustStatus(t, c.post("/gestion/messages/"+itoa(cv.ID)+"/statut", url.Values{"version": {itoa(int64(cv.Version))}, "statut": {"resolved"}}), http.StatusSeeOther)
	m := mailTo(t, a.sendMail(), "camille@exemple.fr")
	link := linkIn(t, m, "/evaluer/")
	page := a.client().get(link)
	mustStatus(t, page, http.StatusOK)
	if !strings.Contains(text(page), "Horaires") {
		t.Errorf("rating page of a conversation: %s", text(page))
	}
}

// The indicators read a monthly roll-up a trigger keeps: after ratings of
// several teams, motifs, procedures and months (one at a month's end in
// Paris, one too old, one not given), a demand rerouted after its rating,
// a rating rewritten and one deleted, they equal the aggregation over the
// ratings, for a supervisor and for the accueil; an anonymisation (the
// address and comment erased, the score kept) changes nothing.
func TestSatisfactionRollUpGivesTheRatingsFigures(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	now := a.Clock.Now().In(web.Paris)
	since := time.Date(now.Year(), now.Month()-11, 1, 0, 0, 0, 0, web.Paris)
	same := func(step string) []models.RatingStat {
		t.Helper()
		var got []models.RatingStat
		for _, accueilOnly := range []bool{false, true} {
			rolled, err := models.RatingIndicators(ctx, a.DB, a.Commune.ID, since, accueilOnly)
			fixture.Must(t, err)
			direct, err := models.RatingIndicatorsFromRatings(ctx, a.DB, a.Commune.ID, since, accueilOnly)
			fixture.Must(t, err)
			if len(direct) == 0 || !reflect.DeepEqual(rolled, direct) {
				t.Fatalf("%s (accueil only %v): the roll-up gives\n%+v\nthe ratings\n%+v", step, accueilOnly, rolled, direct)
			}
			if !accueilOnly {
				got = rolled
			}
		}
		return got
	}

	// One through the rating link, by the accueil.
	d, link := decided(t, a)
	mustStatus(t, a.client().post(pathOf(t, link), url.Values{"note": {"5"}, "commentaire": {"Très bien."}}), http.StatusSeeOther)
	same("a rating through its link")

	m1 := &models.Motif{CommuneID: a.Commune.ID, Name: "Voirie"}
	m2 := &models.Motif{CommuneID: a.Commune.ID, Name: "État civil"}
	fixture.Must(t, models.CreateMotif(ctx, a.DB, m1))
	fixture.Must(t, models.CreateMotif(ctx, a.DB, m2))
	rerouted := a.DemandAt(t, fixture.AtSubmitted)
	// The last second of a month in Paris, already the next month in UTC.
	monthEnd := time.Date(now.Year(), now.Month()-2, 1, 0, 0, 0, 0, web.Paris).Add(-time.Second)
	given := 1 // the one through its link
	rate := func(dm *models.Demand, service, motif *int64, procedure bool, score int16, at time.Time) *models.Rating {
		r := &models.Rating{CommuneID: a.Commune.ID, DemandID: &dm.ID, ServiceID: service, MotifID: motif, Email: dm.CitizenEmail,
			RequestedAt: at, Comment: "Mon avis, Camille Martin", Score: &score, RatedAt: &at}
		if procedure {
			r.ProcedureID = &dm.ProcedureID
		}
		if !at.Before(since) {
			given++
		}
		fixture.Must(t, models.InsertRating(ctx, a.DB, r))
		return r
	}
	rate(d, &a.Voirie.ID, &m1.ID, true, 1, now.AddDate(0, -1, 0))
	rate(d, &a.Voirie.ID, &m2.ID, false, 4, now.AddDate(0, -3, 0))
	rate(d, &a.Urbanisme.ID, nil, true, 2, monthEnd)
	rate(d, nil, &m1.ID, false, 3, now.AddDate(0, -5, 0))
	rate(d, nil, &m2.ID, true, 5, now)
	rate(d, &a.Urbanisme.ID, &m1.ID, true, 5, now.AddDate(-1, -1, 0)) // before the twelve months
	onRerouted := rate(rerouted, nil, &m2.ID, true, 2, now)
	rewritten := rate(rerouted, &a.Voirie.ID, nil, true, 3, now.AddDate(0, -2, 0))
	deleted := rate(rerouted, &a.Urbanisme.ID, &m2.ID, false, 4, now.AddDate(0, -4, 0))
	fixture.Must(t, models.InsertRating(ctx, a.DB, &models.Rating{CommuneID: a.Commune.ID, DemandID: &rerouted.ID, Email: rerouted.CitizenEmail, RequestedAt: now}))
	stats := same("ratings of several teams, motifs, procedures and months")
	total := 0
	for _, s := range stats {
		if s.Dimension == models.ByMonth {
			total += s.N
		}
	}
	if total != given {
		t.Errorf("%d ratings counted over the months, want the %d given in the twelve months", total, given)
	}

	// The demand goes to Voirie after its rating: the rating stays the accueil's.
	a.Apply(t, rerouted, workflow.Transfer, workflow.AgentActor(a.Accueil), workflow.Input{ServiceID: a.Voirie.ID})
	if r, err := models.RatingByID(ctx, a.DB, a.Commune.ID, onRerouted.ID); err != nil || r.ServiceID != nil {
		t.Errorf("the rerouted demand's rating is now Voirie's: %v %v", r.ServiceID, err)
	}
	same("a demand rerouted")

	// A rating moved to another team, motif, month and score; another deleted.
	four := int16(4)
	rewritten.ServiceID, rewritten.MotifID, rewritten.Score = &a.Urbanisme.ID, &m1.ID, &four
	moved := now.AddDate(0, -7, 0)
	rewritten.RatedAt = &moved
	fixture.Must(t, models.UpdateRating(ctx, a.DB, rewritten, "service_id", "motif_id", "score", "rated_at"))
	_, err := a.DB.NewDelete().Model(deleted).WherePK().Exec(ctx)
	fixture.Must(t, err)
	before := same("a rating rewritten and one deleted")

	fixture.Must(t, a.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := models.AnonymiseDemand(ctx, tx, a.Commune.ID, d.ID, a.Clock.Now(), &models.Erased{})
		return err
	}))
	var erased []models.Rating
	fixture.Must(t, a.DB.NewSelect().Model(&erased).Where("commune_id = ? AND demand_id = ?", a.Commune.ID, d.ID).Scan(ctx))
	for _, r := range erased {
		if r.Email != "" || r.Comment != "" || r.Score == nil {
			t.Fatalf("the anonymised rating %+v: want the score without address or comment", r)
		}
	}
	if after := same("an anonymisation"); !reflect.DeepEqual(after, before) {
		t.Errorf("the anonymisation changed the indicators:\n%+v\nwas\n%+v", after, before)
	}
}
