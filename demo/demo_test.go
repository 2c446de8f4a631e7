package demo_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"guichet/app"
	"guichet/auth"
	"guichet/clock"
	"guichet/demo"
	"guichet/fixture"
	"guichet/models"
	"guichet/routing"
	"guichet/streets"
	"guichet/testdb"
	"guichet/workflow"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// load loads the demo into db, as `guichet demo` does, on the
// application's workflow with a fake clock at now.
func load(t *testing.T, db *bun.DB, now time.Time) (*models.Commune, *clock.Fake) {
	c, fake, _ := loadApp(t, db, now)
	return c, fake
}

// loadApp is load, with the application the demo was loaded through.
func loadApp(t *testing.T, db *bun.DB, now time.Time) (*models.Commune, *clock.Fake, *app.App) {
	t.Helper()
	ctx := context.Background()
	fake := clock.NewFake(now)
	a, err := app.New(fixture.Config(t), db, slog.New(slog.NewTextHandler(io.Discard, nil)), fake.Clock())
	fixtureErr(t, err)
	hash := func(pw string) (string, error) { return auth.HashPassword(ctx, pw, auth.FastParams) }
	c, err := demo.Load(ctx, db, hash, demo.Demands{DB: db, Engine: a.Engine, Files: a.Files, Limits: a.Server.Base.FileLimits(), Clock: fake, Conversations: a.Conversations,
		Satisfaction: a.Server.Base.Satisfaction})
	fixtureErr(t, err)
	return c, fake, a
}

func TestLoadDemo(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	c, _ := load(t, db, time.Now())
	if c == nil {
		t.Fatal("nothing loaded into an empty database")
	}
	if ok, _ := demo.Loaded(ctx, db); !ok {
		t.Fatal("Loaded is false after Load")
	}
	ss, _ := models.ListServices(ctx, db, c.ID, true)
	ps, _ := models.ListProcedures(ctx, db, c.ID)
	if len(ss) != 3 || len(ps) != 3 {
		t.Fatalf("%d services, %d procedures; want 3 and 3", len(ss), len(ps))
	}
	// Its routing rule, valid for the commune it names.
	_, rules, err := models.RuleSetOf(ctx, db, c.ID, models.TriggerSubmission, true)
	fixtureErr(t, err)
	if len(rules) != 1 || rules[0].Name != "Éclairage → Voirie" {
		t.Fatalf("demo rules: %+v", rules)
	}
	if errs, err := routing.Check(ctx, db, c.ID, &rules[0]); err != nil || len(errs) > 0 {
		t.Fatalf("the demo's rule does not hold: %v %v", errs, err)
	}
	// One procedure follows a variant of the lifecycle: the accueil decides alone.
	acte, err := models.ProcedureBySlug(ctx, db, c.ID, "acte-etat-civil")
	fixtureErr(t, err)
	if acte.Variant != "sans_service" || slices.Contains(workflow.For(acte).EventsFrom(workflow.Submitted), workflow.Transfer) {
		t.Fatalf("the civil status procedure follows %q, want sans_service, without transfer", acte.Variant)
	}
	for _, l := range demo.Logins {
		a, err := models.AgentByEmail(ctx, db, l.Email)
		if err != nil || a.CommuneID != c.ID || a.Profile.Name != l.Profile {
			t.Fatalf("login %s: %+v %v", l.Email, a, err)
		}
		if ok, _ := auth.CheckPassword(ctx, a.PasswordHash, demo.Password); !ok {
			t.Fatalf("login %s: the demo password does not match", l.Email)
		}
	}
	p, err := models.ProcedureBySlug(ctx, db, c.ID, "occupation-domaine-public")
	fixtureErr(t, err)
	var surface *models.Field
	for i := range p.Form {
		if p.Form[i].Name == "surface" {
			surface = &p.Form[i]
		}
	}
	if surface == nil || surface.Type != "number" || !surface.Required || surface.Max == nil || *surface.Max != 1000 {
		t.Fatalf("procedure form not loaded as written: %+v", p.Form)
	}
}

func fixtureErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestDemoDemands: the demo's demands reach every state of each
// procedure's lifecycle, with a history whose dates run forward over the
// past weeks and whose last transition leads to the demand's state; the
// address fields have Plassans's streets; loading again adds nothing.
func TestDemoDemands(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	c, fake := load(t, db, now)
	if !fake.Now().Equal(now) {
		t.Errorf("the clock was left at %s", fake.Now())
	}
	var ds []models.Demand
	fixtureErr(t, db.NewSelect().Model(&ds).Where("commune_id = ?", c.ID).Order("id").Scan(ctx))
	if len(ds) < 30 {
		t.Fatalf("%d demo demands, want a few dozen", len(ds))
	}
	procs, _ := models.ListProcedures(ctx, db, c.ID)
	reached := map[int64]map[string]int{}
	names := map[string]bool{}
	for _, d := range ds {
		if reached[d.ProcedureID] == nil {
			reached[d.ProcedureID] = map[string]int{}
		}
		reached[d.ProcedureID][d.State]++
		names[d.CitizenName] = true
		hist, err := models.History(ctx, db, c.ID, d.ID, false)
		fixtureErr(t, err)
		var last *models.Event
		for i := range hist {
			e := &hist[i]
			if i > 0 && e.At.Before(hist[i-1].At) {
				t.Errorf("demand %s: event %s at %s before the previous one", d.Reference, e.Kind, e.At)
			}
			if e.At.After(now) || e.At.Before(now.AddDate(0, 0, -50)) {
				t.Errorf("demand %s: event %s at %s, not in the past weeks", d.Reference, e.Kind, e.At)
			}
			if e.ToState != "" {
				if last != nil && e.FromState != last.ToState {
					t.Errorf("demand %s: %s from %s, but the previous transition led to %s", d.Reference, e.Kind, e.FromState, last.ToState)
				}
				last = e
			}
		}
		if last == nil || last.ToState != d.State || hist[0].FromState != string(workflow.Draft) {
			t.Errorf("demand %s is %s, its history %+v does not lead there from a draft", d.Reference, d.State, hist)
		}
		if d.SubmittedAt == nil || d.CreatedAt.After(*d.SubmittedAt) {
			t.Errorf("demand %s created %s, submitted %v", d.Reference, d.CreatedAt, d.SubmittedAt)
		}
	}
	for _, p := range procs {
		def := workflow.For(&p)
		for _, st := range def.States {
			if st.State == workflow.Draft {
				continue
			}
			if reached[p.ID][string(st.State)] == 0 {
				t.Errorf("%s: no demo demand in state %s", p.Slug, st.State)
			}
		}
	}
	if len(names) < 25 {
		t.Errorf("only %d different citizens", len(names))
	}
	// Corrections asked by the accueil and by a service, and returns, are among them.
	var asked []string
	fixtureErr(t, db.NewRaw("SELECT DISTINCT actor_kind FROM demand_events WHERE commune_id = ? AND kind = ?", c.ID, string(workflow.RequestCorrection)).Scan(ctx, &asked))
	if len(asked) != 2 {
		t.Errorf("corrections asked by %q, want the accueil and a service", asked)
	}
	if got, _ := streets.Suggest(ctx, db, c.ID, "rue de la ban"); len(got) != 1 || got[0].Value != "Rue de la Banne" {
		t.Errorf("Plassans's streets: %+v", got)
	}

	again, _ := load(t, db, now.Add(time.Hour))
	var n int
	fixtureErr(t, db.NewRaw("SELECT count(*) FROM demands").Scan(ctx, &n))
	if again != nil || n != len(ds) {
		t.Fatalf("loading again: %v, %d demands instead of %d", again, n, len(ds))
	}
}

// The demo has conversations: a citizen forwarded to another
// administration, one resolved, notes, a call logged.
func TestDemoConversations(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	c, _ := load(t, db, time.Now())
	counts, err := models.CountInbox(ctx, db, c.ID, models.InboxFilter{AllTeams: true})
	fixtureErr(t, err)
	var notes, forwarded, calls int
	fixtureErr(t, db.NewRaw(`SELECT (SELECT count(*) FROM conversation_messages WHERE commune_id = ?0 AND internal),
		(SELECT count(*) FROM conversation_tags AS ct JOIN tags AS t ON t.id = ct.tag_id WHERE ct.commune_id = ?0 AND t.name = 'transfert'),
		(SELECT count(*) FROM conversations WHERE commune_id = ?0 AND channel = 'phone')`, c.ID).Scan(ctx, &notes, &forwarded, &calls))
	if counts.ByView[models.ViewResolved] != 1 || counts.ByView[models.ViewOpen] == 0 || notes < 3 || forwarded != 1 || calls != 1 {
		t.Fatalf("views %v, %d notes, %d forwarded, %d calls", counts, notes, forwarded, calls)
	}
}

// TestDemoSatisfaction: the demo's citizens rated answers (demands decided,
// conversations resolved, experiences answered), one low rating followed
// up and closed, others open; its experiences are in every state. The
// supervisor's indicators, follow-ups and moderation queue and the public
// page of experiences show them.
func TestDemoSatisfaction(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	now := time.Now()
	c, fake, a := loadApp(t, db, now)
	if !fake.Now().Equal(now) {
		t.Errorf("the clock was left at %s", fake.Now())
	}
	var rated struct{ Demands, Conversations, Experiences, Open, Closed, Asked int }
	fixtureErr(t, db.NewRaw(`SELECT count(*) FILTER (WHERE rated_at IS NOT NULL AND demand_id IS NOT NULL) AS demands,
		count(*) FILTER (WHERE rated_at IS NOT NULL AND conversation_id IS NOT NULL) AS conversations,
		count(*) FILTER (WHERE rated_at IS NOT NULL AND experience_id IS NOT NULL) AS experiences,
		count(*) FILTER (WHERE followup = 'open') AS open, count(*) FILTER (WHERE followup = 'closed') AS closed,
		count(*) FILTER (WHERE rated_at IS NULL) AS asked
		FROM ratings WHERE commune_id = ?`, c.ID).Scan(ctx, &rated))
	if rated.Demands < 3 || rated.Conversations == 0 || rated.Experiences == 0 || rated.Open == 0 || rated.Closed != 1 || rated.Asked == 0 {
		t.Fatalf("demo ratings: %+v", rated)
	}
	var xs []models.Experience
	fixtureErr(t, db.NewSelect().Model(&xs).Where("commune_id = ?", c.ID).Order("id").Scan(ctx))
	states := map[string]int{}
	for _, x := range xs {
		states[x.Status+"/"+x.AnswerStatus]++
	}
	if states["pending/none"] == 0 || states["published/published"] == 0 || states["published/held"] == 0 || states["published/none"] == 0 || states["refused/none"] == 0 {
		t.Fatalf("demo experiences by state: %v", states)
	}

	h := a.Server.Handler()
	get := func(path string, cookies []*http.Cookie) *goquery.Document {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		doc, err := goquery.NewDocumentFromReader(rec.Body)
		fixtureErr(t, err)
		return doc
	}
	form := url.Values{"email": {"manager@plassans.fr"}, "password": {demo.Password}}
	req := httptest.NewRequest(http.MethodPost, "/gestion/connexion", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("the demo supervisor's sign-in: %d", rec.Code)
	}
	session := rec.Result().Cookies()

	page := get("/gestion/satisfaction", session)
	counted := 0
	page.Find(`table:has(caption:contains("Par mois")) tbody tr`).Each(func(_ int, tr *goquery.Selection) {
		n, _ := strconv.Atoi(strings.TrimSpace(tr.Find("td").First().Text()))
		counted += n
	})
	if all := rated.Demands + rated.Conversations + rated.Experiences; counted != all {
		t.Errorf("the indicators count %d ratings over the months, want the demo's %d", counted, all)
	}
	if n := page.Find(`table:has(caption:contains("Par équipe")) tbody tr`).Length(); n < 2 {
		t.Errorf("the indicators show %d teams", n)
	}
	if followups := get("/gestion/supervision/suivis", session).Text(); !strings.Contains(followups, "Note 1/5") && !strings.Contains(followups, "Note 2/5") {
		t.Errorf("no open follow-up listed: %s", followups)
	}
	queue := get("/gestion/supervision/avis", session)
	words := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	public := words(get("/c/"+c.Slug+"/avis", nil).Text())
	if h := words(queue.Find(`h2:contains("À modérer")`).Text()); h != "À modérer ("+strconv.Itoa(states["pending/none"])+")" {
		t.Errorf("the moderation queue says %q", h)
	}
	for _, x := range xs {
		switch {
		case queue.Find(`a[href="/gestion/supervision/avis/`+strconv.FormatInt(x.ID, 10)+`"]`).Length() == 0:
			t.Errorf("the supervisor's list of experiences lacks %q", x.Body)
		case x.Status == models.ExperiencePublished && !strings.Contains(public, words(x.Body)):
			t.Errorf("the public page lacks %q", x.Body)
		case x.AnswerStatus == models.AnswerPublished && !strings.Contains(public, words(x.Answer)):
			t.Errorf("the public page lacks the answer %q", x.Answer)
		case x.Improvement != "" && !strings.Contains(public, words(x.Improvement)):
			t.Errorf("the public page lacks the improvement %q", x.Improvement)
		case x.Status == models.ExperienceRefused && strings.Contains(public, words(x.Body)):
			t.Errorf("the refused %q is public", x.Body)
		}
	}
}
