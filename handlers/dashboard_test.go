package handlers_test

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// at sets when a demand was received and last changed, and who sent it.
func (a *app) at(d *models.Demand, received time.Time, name string, data map[string]any) *models.Demand {
	a.t.Helper()
	d.SubmittedAt, d.UpdatedAt, d.CitizenName = &received, received, name
	cols := []string{"submitted_at", "updated_at", "citizen_name"}
	if data != nil {
		d.Data = data
		cols = append(cols, "data")
	}
	_, err := a.DB.NewUpdate().Model(d).Column(cols...).WherePK().Exec(context.Background())
	fixture.Must(a.t, err)
	return d
}

func TestDashboardQueueOldestFirst(t *testing.T) {
	a := newApp(t)
	now := a.Clock.Now()
	day := 24 * time.Hour
	newest := a.at(a.DemandAt(t, fixture.AtSubmitted), now.Add(-1*day), "Bernard Zola", nil)
	oldest := a.at(a.DemandAt(t, fixture.AtSubmitted), now.Add(-3*day), "Anne Rougon", nil)
	returned := a.at(a.DemandAt(t, fixture.AtReturned), now.Add(-2*day), "Claire Macquart", nil)
	transferred := a.DemandAt(t, fixture.AtTransferred)
	draft := a.DemandAt(t, fixture.AtDraft)
	other := fixture.NewWorld(t, a.DB)
	foreign := other.DemandAt(t, fixture.AtSubmitted)

	c := a.signIn(a.Accueil)
	r := c.get("/gestion/")
	mustStatus(t, r, http.StatusOK)
	assertAccessible(t, r.Doc)
	if got, want := rowRefs(r), []string{oldest.Reference, returned.Reference, newest.Reference}; !slices.Equal(got, want) {
		t.Fatalf("queue %v, want oldest first %v", got, want)
	}
	for _, d := range []*models.Demand{transferred, draft, foreign} {
		if strings.Contains(r.Body, d.Reference) {
			t.Errorf("%s (%s) shown in the accueil's queue", d.Reference, d.State)
		}
	}
	mustContain(t, r, "3 demandes")

	counts := map[string]string{}
	r.Doc.Find(".status-counts li").Each(func(_ int, s *goquery.Selection) {
		counts[s.Find(".badge").Text()] = s.Find(".count").Text()
	})
	want := map[string]string{
		"À vérifier par l'accueil": "2", "Renvoyée à l'accueil": "1", "Transmise à un service": "1",
		"En attente de correction": "0", "Acceptée": "0", "Refusée": "0", "Archivée": "0",
	}
	if !maps.Equal(counts, want) {
		t.Fatalf("counts %v, want %v (no drafts for the accueil)", counts, want)
	}

	// Counted with a filter (from the demands) or without (from the counts
	// the database keeps), the figures agree.
	filtered := c.get("/gestion/?demarche=" + itoa(a.Procedure.ID))
	filtered.Doc.Find(".status-counts li").Each(func(_ int, s *goquery.Selection) {
		if n := s.Find(".count").Text(); n != want[s.Find(".badge").Text()] {
			t.Errorf("%s: %s counted from the demands, %s kept", s.Find(".badge").Text(), n, want[s.Find(".badge").Text()])
		}
	})

	// Sorting: a click on the current column reverses it.
	th := r.Doc.Find(`th[aria-sort="ascending"] a`)
	if !strings.HasPrefix(th.Text(), "Reçue le") {
		t.Fatalf("sorted by %q", th.Text())
	}
	href, _ := th.Attr("href")
	desc := c.get(href)
	if got, want := rowRefs(desc), []string{newest.Reference, returned.Reference, oldest.Reference}; !slices.Equal(got, want) {
		t.Fatalf("reversed %v, want %v", got, want)
	}
	byName := c.get("/gestion/?tri=usager")
	if got, want := rowRefs(byName), []string{oldest.Reference, newest.Reference, returned.Reference}; !slices.Equal(got, want) {
		t.Fatalf("by citizen %v, want %v", got, want)
	}
	byStatus := c.get("/gestion/?tri=etat&ordre=desc")
	if got := rowRefs(byStatus); got[0] != returned.Reference {
		t.Fatalf("by status desc %v: returned first", got)
	}

	// The supervisor sees the drafts too.
	r = a.signIn(a.Supervisor).get("/gestion/?etat=draft")
	if got := rowRefs(r); !slices.Equal(got, []string{draft.Reference}) {
		t.Fatalf("supervisor drafts %v", got)
	}
	r = c.get("/gestion/?etat=draft")
	if got := rowRefs(r); len(got) != 0 {
		t.Fatalf("the accueil sees drafts: %v", got)
	}
}

func TestStateCountsFollowEveryTransition(t *testing.T) {
	a := newApp(t)
	for _, s := range fixture.Setups {
		a.DemandAt(t, s)
		a.DemandAt(t, s)
	}
	seedDemands(t, a.World, 5, "accepted", a.Clock.Now(), "x")
	a.exec("DELETE FROM demands WHERE citizen_name = 'Usager 1' AND commune_id = ?", a.Commune.ID)
	var kept, real []struct {
		State string
		N     int
	}
	fixture.Must(t, a.DB.NewSelect().Table("demand_state_counts").Column("state", "n").
		Where("commune_id = ? AND n <> 0", a.Commune.ID).Order("state").Scan(context.Background(), &kept))
	fixture.Must(t, a.DB.NewSelect().Table("demands").ColumnExpr("state, count(*) AS n").
		Where("commune_id = ?", a.Commune.ID).Group("state").Order("state").Scan(context.Background(), &real))
	if !slices.Equal(kept, real) || len(real) != len(workflow.AllStates) {
		t.Fatalf("kept counts %v, real %v", kept, real)
	}
}

func TestDashboardFilters(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	permis := &models.Procedure{CommuneID: a.Commune.ID, Slug: "permis", Active: true, ProcedureVersion: models.ProcedureVersion{
		Title: "Permis de construire", Documents: []string{}, Form: []models.Field{{Name: "nom", Label: "Nom", Type: "text"}}}}
	fixture.Must(t, models.CreateProcedure(ctx, a.DB, permis))

	jan := a.at(a.DemandAt(t, fixture.AtSubmitted), time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC), "Janvier", nil)
	feb := a.at(a.DemandAt(t, fixture.AtSubmitted), time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC), "Février", nil) // 1 March in Paris
	voirie := a.DemandAt(t, fixture.AtTransferred)
	urba := a.DemandAt(t, fixture.AtSubmitted)
	urba = a.Apply(t, urba, workflow.Transfer, workflow.AgentActor(a.Accueil), workflow.Input{ServiceID: a.Urbanisme.ID})
	p := a.DemandAt(t, fixture.AtSubmitted)
	_, err := a.DB.NewUpdate().Model(p).Set("procedure_id = ?", permis.ID).WherePK().Exec(ctx)
	fixture.Must(t, err)

	c := a.signIn(a.Accueil)
	cases := []struct {
		query string
		want  []*models.Demand
	}{
		{"etat=transferred", []*models.Demand{voirie, urba}},
		{"etat=transferred&service=" + itoa(a.Urbanisme.ID), []*models.Demand{urba}},
		{"etat=tous&demarche=" + itoa(permis.ID), []*models.Demand{p}},
		{"du=2026-01-01&au=2026-02-28", []*models.Demand{jan}},
		{"du=2026-03-01&au=2026-03-01", []*models.Demand{feb}},
	}
	for _, tc := range cases {
		r := c.get("/gestion/?" + tc.query)
		mustStatus(t, r, http.StatusOK)
		var want []string
		for _, d := range tc.want {
			want = append(want, d.Reference)
		}
		got := rowRefs(r)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", tc.query, got, want)
		}
	}

	// The form keeps the filters; a bad date is said next to its field.
	r := c.get("/gestion/?etat=transferred&service=" + itoa(a.Voirie.ID) + "&du=31/02/2026")
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	if r.Doc.Find(`#service option[selected]`).AttrOr("value", "") != itoa(a.Voirie.ID) ||
		r.Doc.Find(`#etat option[selected]`).AttrOr("value", "") != "transferred" {
		t.Fatal("the filters are not kept in the form")
	}
	if r.Doc.Find(`#du-erreur`).Length() != 1 || r.Doc.Find(`.error-summary a[href="#du"]`).Length() != 1 {
		t.Fatal("no message for the bad date")
	}
	if r.Doc.Find(`#du`).AttrOr("value", "") != "31/02/2026" {
		t.Fatal("the date typed is lost")
	}
}

func TestDashboardSearch(t *testing.T) {
	a := newApp(t)
	eglise := a.at(a.DemandAt(t, fixture.AtSubmitted), a.Clock.Now().Add(-time.Hour), "Hélène Muret",
		map[string]any{"nom": "Hélène Muret", "description": "Lampadaire éteint devant l'École Jean-Jaurès"})
	trottoir := a.at(a.DemandAt(t, fixture.AtTransferred), a.Clock.Now(), "François Mouret",
		map[string]any{"nom": "François Mouret", "description": "Trottoir défoncé, 12 rue des Lilas"})
	draft := a.DemandAt(t, fixture.AtDraft)
	other := fixture.NewWorld(t, a.DB)
	foreign := other.DemandAt(t, fixture.AtSubmitted)
	foreign.Data = map[string]any{"description": "Lampadaire cassé"}
	_, err := a.DB.NewUpdate().Model(foreign).Column("data").WherePK().Exec(context.Background())
	fixture.Must(t, err)

	c := a.signIn(a.Accueil)
	cases := []struct {
		q    string
		want []*models.Demand
	}{
		{"ecole", []*models.Demand{eglise}},           // accents ignored
		{"ÉCOLE", []*models.Demand{eglise}},           // case too
		{"lampad", []*models.Demand{eglise}},          // partial word
		{"helene", []*models.Demand{eglise}},          // names
		{"jaures", []*models.Demand{eglise}},          // hyphenated words
		{"francois trot", []*models.Demand{trottoir}}, // every word must match
		{"francois lampadaire", nil},
		{"lilas 12", []*models.Demand{trottoir}},
		{strings.Split(trottoir.CitizenEmail, "@")[0], []*models.Demand{trottoir}}, // an address's beginning (its whole local part: the fixture numbers addresses, usager10 would begin usager101 too)
		{trottoir.CitizenEmail, []*models.Demand{trottoir}},                        // a whole address
		{strings.ToUpper(eglise.CitizenEmail), []*models.Demand{eglise}},
	}
	for _, tc := range cases {
		r := c.get("/gestion/?etat=tous&q=" + url.QueryEscape(tc.q))
		mustStatus(t, r, http.StatusOK)
		var want []string
		for _, d := range tc.want {
			want = append(want, d.Reference)
		}
		if got := rowRefs(r); !slices.Equal(got, want) {
			t.Errorf("%q: %v, want %v", tc.q, got, want)
		}
		if strings.Contains(r.Body, foreign.Reference) {
			t.Errorf("%q: another commune's demand found", tc.q)
		}
	}

	// A reference or tracking code, however typed, opens the demand, and
	// the page says which it was.
	for _, tc := range []struct{ typed, says string }{
		{eglise.Reference, "sa référence " + eglise.Reference},
		{strings.ToLower(eglise.Reference), "sa référence " + eglise.Reference},
		{strings.ReplaceAll(eglise.Reference, "-", " "), "sa référence " + eglise.Reference},
		{eglise.TrackingCode, "son code de suivi " + eglise.TrackingCode},
		{" " + strings.ToLower(eglise.TrackingCode[:4]) + " " + eglise.TrackingCode[4:], "son code de suivi " + eglise.TrackingCode},
	} {
		r := c.get("/gestion/?q=" + url.QueryEscape(tc.typed))
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/gestion/demandes/"+itoa(eglise.ID) {
			t.Errorf("%q: %d to %q, want the demand", tc.typed, r.StatusCode, r.Header.Get("Location"))
			continue
		}
		mustContain(t, c.follow(r), "Demande trouvée par "+tc.says+".")
	}
	// Not a draft for the accueil, nor another commune's demand.
	for _, d := range []*models.Demand{draft, foreign} {
		if r := c.get("/gestion/?q=" + url.QueryEscape(d.Reference)); r.StatusCode != http.StatusOK || len(rowRefs(r)) != 0 {
			t.Errorf("%s (%s): %d %v", d.Reference, d.State, r.StatusCode, rowRefs(r))
		}
	}
	if r := a.signIn(a.Supervisor).get("/gestion/?q=" + url.QueryEscape(draft.Reference)); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the supervisor cannot open a draft by its reference: %d", r.StatusCode)
	}
	// Searching as one types (htmx) opens it too, the filters kept for the
	// way back (not the code, which would open it again).
	sup := a.signIn(a.Supervisor)
	for _, tc := range []struct {
		client                  *client
		list, typed, back, says string
	}{
		{c, "/gestion/?", eglise.Reference, "", "sa référence"},
		{sup, "/gestion/supervision?etat=submitted&", eglise.TrackingCode, "?retour=" + url.QueryEscape("/gestion/supervision?etat=submitted"), "son code de suivi"},
	} {
		req, _ := http.NewRequest(http.MethodGet, a.URL+tc.list+"q="+url.QueryEscape(tc.typed), nil)
		req.Header.Set("HX-Request", "true")
		r := tc.client.do(req)
		mustStatus(t, r, http.StatusOK)
		to := r.Header.Get("HX-Redirect")
		if to != "/gestion/demandes/"+itoa(eglise.ID)+tc.back || strings.Contains(r.Body, "resultats") {
			t.Fatalf("%s%s as one types: to %q, body %q; want the demand's page", tc.list, tc.typed, to, r.Body)
		}
		mustContain(t, tc.client.get(to), "Demande trouvée par "+tc.says)
	}
	mustContain(t, c.get("/gestion/?q=a"), "au moins deux lettres")
}

func TestDashboardKeysetPaging(t *testing.T) {
	a := newApp(t)
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	seedDemands(t, a.World, 120, "submitted", start, "Nid-de-poule")
	// Same reception time for a few: the id breaks the tie without losing any.
	a.exec("UPDATE demands SET submitted_at = ? WHERE citizen_name IN ('Usager 49', 'Usager 50', 'Usager 51', 'Usager 52')", start)

	c := a.signIn(a.Accueil)
	var all []string
	r := c.get("/gestion/")
	pages := 0
	for {
		pages++
		refs := rowRefs(r)
		if len(refs) == 0 || len(refs) > 50 {
			t.Fatalf("page %d: %d rows", pages, len(refs))
		}
		all = append(all, refs...)
		next, ok := r.Doc.Find(`a[rel="next"]`).Attr("href")
		if !ok {
			break
		}
		if strings.Contains(next, "page=") || strings.Contains(next, "offset") {
			t.Fatalf("next page by offset: %s", next)
		}
		prevPage := refs
		r = c.get(next)
		// Going back shows the page we came from.
		prev, ok := r.Doc.Find(`a[rel="prev"]`).Attr("href")
		if !ok {
			t.Fatal("no previous page link")
		}
		if got := rowRefs(c.get(prev)); !slices.Equal(got, prevPage) {
			t.Fatalf("previous page %v, want %v", got, prevPage)
		}
	}
	if pages != 3 || len(all) != 120 {
		t.Fatalf("%d pages, %d rows, want 3 pages of 120 rows", pages, len(all))
	}
	seen := map[string]bool{}
	for _, ref := range all {
		if seen[ref] {
			t.Fatalf("%s twice", ref)
		}
		seen[ref] = true
	}
	// Oldest first: the four sharing the earliest time, then 1, 2, 3…
	if all[0] != "S"+itoa(a.Commune.ID)+"-submitted-49" || all[4] != "S"+itoa(a.Commune.ID)+"-submitted-1" {
		t.Fatalf("order starts %v", all[:6])
	}
}

func TestDashboardCountsOfABroadSearchStop(t *testing.T) {
	a := newApp(t)
	seedDemands(t, a.World, 1005, "submitted", a.Clock.Now().Add(-48*time.Hour), "Lampadaire éteint")
	seedDemands(t, a.World, 3, "accepted", a.Clock.Now().Add(-24*time.Hour), "Banc cassé")
	c := a.signIn(a.Supervisor)
	r := c.get("/gestion/supervision?q=lampadaire")
	mustStatus(t, r, http.StatusOK)
	assertAccessible(t, r.Doc)
	mustContain(t, r, "Plus de 1000 demandes pour « lampadaire », affichées par 50 : précisez la recherche")
	if len(rowRefs(r)) != 50 || r.Doc.Find(".status-counts .count").Length() != 0 {
		t.Fatalf("%d rows, %d counts", len(rowRefs(r)), r.Doc.Find(".status-counts .count").Length())
	}
	r = c.get("/gestion/supervision?q=banc")
	mustContain(t, r, "3 demandes pour « banc »")
	// Without criteria, the counts the database keeps are exact, however many.
	mustContain(t, c.get("/gestion/supervision"), "1008 demandes, affichées par 50.")
}

// TestDashboardSearchForAMissingCode: a reference or tracking code that
// opens nothing says so, and what the text search found, in words that
// agree with each other.
func TestDashboardSearchForAMissingCode(t *testing.T) {
	a := newApp(t)
	a.at(a.DemandAt(t, fixture.AtSubmitted), a.Clock.Now(), "Hélène Muret",
		map[string]any{"description": "Suite à ma demande 2026-QQQQ-RRRR, le lampadaire est toujours éteint."})
	draft := a.DemandAt(t, fixture.AtDraft)
	c := a.signIn(a.Accueil)
	results := func(q string, htmx bool) (string, []string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, a.URL+"/gestion/?q="+url.QueryEscape(q), nil)
		fixture.Must(t, err)
		if htmx {
			req.Header.Set("HX-Request", "true")
		}
		r := c.do(req)
		mustStatus(t, r, http.StatusOK)
		assertAccessible(t, r.Doc)
		return strings.Join(strings.Fields(r.Doc.Find("#resultats").Text()), " "), rowRefs(r)
	}
	cases := []struct {
		q      string
		htmx   bool
		says   []string
		rows   int
		silent []string
	}{
		{"2026-ABCD-EFGH", false, []string{"Aucune demande ne porte la référence « 2026-ABCD-EFGH ».", "Aucune demande ne mentionne non plus « 2026-ABCD-EFGH » avec ces filtres."}, 0, nil},
		{"2026-QQQQ-RRRR", false, []string{"Aucune demande ne porte la référence « 2026-QQQQ-RRRR ».", "1 demande pour « 2026-QQQQ-RRRR »."}, 1, nil},
		{"AB12CD34", false, []string{"Aucune demande n'a le code de suivi « AB12CD34 »."}, 0, nil},
		{draft.Reference, false, []string{"Aucune demande ne porte la référence « " + draft.Reference + " »."}, 0, nil}, // the accueil sees no draft
		{"trottoir", false, []string{"Aucune demande ne correspond à « trottoir » avec ces filtres."}, 0, []string{"référence", "code de suivi"}},
		{"2026-QQQQ-RRRR", true, []string{"Aucune demande ne porte la référence « 2026-QQQQ-RRRR ».", "1 demande pour « 2026-QQQQ-RRRR »."}, 1, nil},
	}
	for _, tc := range cases {
		got, rows := results(tc.q, tc.htmx)
		if len(rows) != tc.rows {
			t.Errorf("%q: rows %v, want %d", tc.q, rows, tc.rows)
		}
		for _, want := range tc.says {
			if !strings.Contains(got, want) {
				t.Errorf("%q: %q not in %q", tc.q, want, got)
			}
		}
		for _, not := range append(tc.silent, "0 demande") {
			if strings.Contains(got, not) {
				t.Errorf("%q: %q in %q", tc.q, not, got)
			}
		}
		if n := strings.Count(got, "Aucune demande ne correspond"); n > 1 {
			t.Errorf("%q: said %d times that nothing matches: %q", tc.q, n, got)
		}
	}
	if got, _ := results("trottoir", false); strings.Count(got, "Aucune") != 1 {
		t.Errorf("nothing found, said more than once: %q", got)
	}
}
