package handlers_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"guichet/audit"
	"guichet/calendar"
	"guichet/fixture"
	"guichet/models"
	"guichet/retention"
	"guichet/workflow"
)

// runRetention sets the clock to at and runs the jobs due, failing on the
// retention job's error.
func (a *app) runRetention(t testing.TB, at time.Time) {
	t.Helper()
	a.Clock.Set(at)
	ran, ok := a.App.Jobs.RunDue(context.Background())["retention applied"]
	if !ok {
		t.Fatalf("the retention job did not run at %s", at)
	}
	fixture.Must(t, ran.Err)
}

// anonymised tells whether a demand was anonymised.
func (a *app) anonymised(t testing.TB, d *models.Demand) bool {
	t.Helper()
	d, err := models.DemandByID(context.Background(), a.DB, d.CommuneID, d.ID)
	fixture.Must(t, err)
	return d.AnonymisedAt != nil
}

// reasonOf is the reason the demand's anonymisation entry records ("": none).
func (a *app) reasonOf(t testing.TB, d *models.Demand) string {
	t.Helper()
	evs, err := models.HistoryOfKinds(context.Background(), a.DB, d.CommuneID, d.ID, retention.KindAnonymised)
	fixture.Must(t, err)
	if len(evs) != 1 {
		return fmt.Sprintf("%d entries", len(evs))
	}
	return fmt.Sprint(evs[0].Details["reason"])
}

var keepLinkRe = regexp.MustCompile(`https?://\S+/brouillon/conserver/\S+`)

// TestDraftsAreToldThenExpire: a draft untouched for three months expires
// on that day, its citizen told two weeks before (not a day earlier) with
// a link to keep it; a draft kept through the link stays.
func TestDraftsAreToldThenExpire(t *testing.T) {
	a := newApp(t)
	d := a.Draft(t, "oubli@exemple.fr")
	kept := a.Draft(t, "garde@exemple.fr")
	expires := calendar.DateOf(d.UpdatedAt).AddMonths(retention.DraftMonths)
	told := expires.AddDays(-retention.DraftNoticeDays)

	a.runRetention(t, told.AddDays(-1).At(23, 30))
	if n := len(mailsTo(a.sendMail(), "oubli@exemple.fr")); n != 0 {
		t.Fatalf("%d mails the day before the notice", n)
	}
	a.runRetention(t, told.At(0, 30))
	a.runRetention(t, told.At(2, 0)) // a second run the same day tells nobody again
	msgs := a.sendMail()
	notices := mailsTo(msgs, "oubli@exemple.fr")
	if len(notices) != 1 || !strings.Contains(notices[0].Subject, "va expirer") || !strings.Contains(notices[0].Text, d.Reference) {
		t.Fatalf("notices %+v", notices)
	}
	if !strings.Contains(notices[0].Text, strings.ReplaceAll(expires.French(), "\u00a0", " ")) && !strings.Contains(notices[0].Text, expires.French()) {
		t.Errorf("the notice does not give the day, %s:\n%s", expires.French(), notices[0].Text)
	}

	// The other citizen keeps theirs: a page with a button, then kept.
	link := keepLinkRe.FindString(mailTo(t, msgs, "garde@exemple.fr").Text)
	if link == "" {
		t.Fatal("no keep link in the notice")
	}
	c := a.client()
	page := c.get(link)
	mustStatus(t, page, http.StatusOK)
	mustContain(t, page, "Conserver mon brouillon")
	assertAccessible(t, page.Doc)
	if a.reload(t, kept).ExpiryNoticeAt == nil {
		t.Fatal("opening the link kept the draft: a mail scanner would")
	}
	done := c.follow(c.post(link, url.Values{}))
	mustContain(t, done, "est conservé jusqu'au")
	// Another commune's link path with this token shows nothing.
	other := fixture.NewWorld(t, a.DB)
	u, _ := url.Parse(link)
	mustStatus(t, c.get(strings.Replace(u.Path, "/c/"+a.Commune.Slug+"/", "/c/"+other.Commune.Slug+"/", 1)), http.StatusForbidden)

	a.runRetention(t, expires.AddDays(-1).At(23, 30))
	if a.anonymised(t, d) {
		t.Fatal("the draft expired a day early")
	}
	a.runRetention(t, expires.At(0, 30))
	if !a.anonymised(t, d) {
		t.Fatal("the draft did not expire on its day")
	}
	if a.anonymised(t, kept) {
		t.Fatal("the kept draft expired")
	}
	gone := a.reload(t, d)
	if gone.CitizenEmail != "" || len(gone.Data) != 0 || a.reasonOf(t, d) != retention.ReasonExpiry {
		t.Errorf("expired draft %+v, reason %q", gone, a.reasonOf(t, d))
	}
	follow, err := a.Notifier.FollowURL(a.Commune, d)
	fixture.Must(t, err)
	r := c.get(follow)
	mustStatus(t, r, http.StatusGone)
	mustContain(t, r, "ont été effacées")
	// Its expired follow link asks for a fresh one: nobody to send it to.
	renew := c.post(pathOf(t, follow)+"/nouveau-lien", url.Values{})
	mustStatus(t, renew, http.StatusGone)
	mails := func() (n int) {
		fixture.Must(t, a.DB.NewRaw("SELECT count(*) FROM outbox_mails WHERE demand_id = ?", d.ID).Scan(context.Background(), &n))
		return n
	}
	before := mails()
	mustStatus(t, c.post("/c/"+a.Commune.Slug+"/suivre", url.Values{"code": {gone.TrackingCode}}), http.StatusSeeOther)
	if mails() != before {
		t.Error("a fresh link was mailed for an erased draft")
	}
	mustStatus(t, c.get(link), http.StatusOK) // kept's link: still the page, now saying it is kept
}

// indicatorFigures are the indicators page's tables, as text.
func indicatorFigures(t testing.TB, c *client) string {
	t.Helper()
	r := c.get("/gestion/supervision/indicateurs")
	mustStatus(t, r, http.StatusOK)
	return strings.Join(strings.Fields(r.Doc.Find("main table").Text()), " ")
}

// TestDecidedDemandsAnonymisedOnTheirDay: with a procedure kept two months
// (set on the procedures' page, out of bounds refused in French), a decided
// demand is anonymised on the day its two months end, not the day before;
// a demand in progress stays; the forecast lists it a month before; the
// indicators give the same figures before and after, and the history
// chain still verifies.
func TestDecidedDemandsAnonymisedOnTheirDay(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	field := "conservation-" + itoa(a.Procedure.ID)
	admin := a.signIn(a.Admin)
	r := admin.post("/gestion/admin/demarches/conservation", url.Values{field: {"61"}, "conservation-conversations": {"douze"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	for id, typed := range map[string]string{field: "61", "conservation-conversations": "douze"} {
		if msg, _ := fieldError(r, id); !strings.Contains(msg, "entre 1 et 60") {
			t.Errorf("%s: error %q", id, msg)
		}
		if v, _ := r.Doc.Find("#" + id).Attr("value"); v != typed {
			t.Errorf("%s: kept %q, typed %q", id, v, typed)
		}
	}
	mustStatus(t, admin.post("/gestion/admin/demarches/conservation", url.Values{field: {"2"}, "conservation-conversations": {"12"}}), http.StatusSeeOther)
	if v, _ := admin.get("/gestion/admin/demarches").Doc.Find("#" + field).Attr("value"); v != "2" {
		t.Fatalf("retention shown %q", v)
	}

	accepted := a.DemandAt(t, fixture.AtAccepted)
	refused := a.DemandAt(t, fixture.AtRefused)
	inProgress := a.DemandAt(t, fixture.AtTransferred)
	a.Apply(t, a.reload(t, inProgress), workflow.RequestCorrection, a.ServiceOn(a.reload(t, inProgress), a.Voirie), workflow.Input{Message: "Une photo ?"})
	day := calendar.DateOf(*accepted.DecidedAt).AddMonths(2)

	a.Clock.Set(day.AddDays(-29).At(9, 0))
	forecast := a.signIn(a.Supervisor).get("/gestion/supervision/conservation")
	mustStatus(t, forecast, http.StatusOK)
	assertAccessible(t, forecast.Doc)
	mustContain(t, forecast, accepted.Reference)
	mustContain(t, forecast, "« Signalement d'un dysfonctionnement » : les demandes sont conservées 2 mois")
	if strings.Contains(forecast.Body, inProgress.Reference) {
		t.Error("the forecast lists a demand in progress")
	}

	a.runRetention(t, day.AddDays(-1).At(23, 30))
	if a.anonymised(t, accepted) || a.anonymised(t, refused) {
		t.Fatal("anonymised a day early")
	}
	a.Clock.Set(day.At(0, 30))
	sup := a.signIn(a.Supervisor)
	before := indicatorFigures(t, sup)
	if !strings.Contains(before, "Acceptée") {
		t.Fatalf("no figures on the indicators page: %q", before)
	}
	a.runRetention(t, day.At(0, 30))
	if !a.anonymised(t, accepted) || !a.anonymised(t, refused) {
		t.Fatal("not anonymised on the day")
	}
	if a.anonymised(t, inProgress) {
		t.Fatal("a demand in progress was anonymised")
	}
	if after := indicatorFigures(t, sup); after != before {
		t.Errorf("the indicators changed:\nbefore %s\nafter  %s", before, after)
	}
	if got := a.reasonOf(t, accepted); got != retention.ReasonExpiry {
		t.Errorf("reason %q", got)
	}
	page := sup.get("/gestion/demandes/" + itoa(accepted.ID))
	mustContain(t, page, accepted.Reference)
	mustContain(t, page, "Données personnelles effacées : durée de conservation écoulée")
	d := a.reload(t, accepted)
	if d.State != string(workflow.Accepted) || d.DecidedAt == nil || d.Reference != accepted.Reference || d.ProcedureID != accepted.ProcedureID {
		t.Errorf("what stays changed: %+v", d)
	}
	key, err := a.Config.AuditKey()
	fixture.Must(t, err)
	res, err := audit.VerifyCommune(ctx, a.DB, a.Commune, key.Public().(ed25519.PublicKey))
	fixture.Must(t, err)
	if !res.OK() {
		t.Fatalf("the chain no longer verifies: %s", res.Problem)
	}
}
