package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// exportWorld makes demands whose cells test an export: accents, a formula
// typed by a citizen, a decision and its delay.
func exportWorld(t *testing.T) (*app, *models.Demand, *models.Demand) {
	a := newApp(t)
	received := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC) // 10:30 in Paris
	helene := a.at(a.DemandAt(t, fixture.AtSubmitted), received, "Hélène Lévêque",
		map[string]any{"nom": "Hélène Lévêque", "description": "=HYPERLINK(\"http://mal.example\")"})
	decided := a.DemandAt(t, fixture.AtSubmitted)
	a.Clock.Advance(36 * time.Hour)
	decided = a.Apply(t, decided, workflow.Accept, workflow.AgentActor(a.Accueil), workflow.Input{})
	a.DemandAt(t, fixture.AtDraft)
	fixture.NewWorld(t, a.DB).DemandAt(t, fixture.AtSubmitted) // another commune's
	return a, helene, decided
}

func TestExportCSV(t *testing.T) {
	a, helene, decided := exportWorld(t)
	c := a.signIn(a.Supervisor)
	res, body := c.download("/gestion/supervision/export.csv?etat=tous&demarche=" + itoa(a.Procedure.ID))
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("%d %s %s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) || !bytes.Contains(body, []byte("\r\n")) {
		t.Fatal("no UTF-8 byte order mark or no CRLF: Excel would garble the accents")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))))
	r.Comma = ';'
	recs, err := r.ReadAll()
	fixture.Must(t, err)
	header := recs[0]
	if want := []string{"Référence", "Démarche", "Statut", "Usager", "Courriel", "Reçue le", "Dernière modification",
		"Décidée le", "Délai de décision (jours)", "Service", "Créée le", "Nom", "Description"}; !slices.Equal(header, want) {
		t.Fatalf("header %q", header)
	}
	if len(recs) != 4 { // header, Hélène, the decided one, the draft; not the other commune's
		t.Fatalf("%d rows: %q", len(recs)-1, recs)
	}
	byRef := map[string][]string{}
	for _, rec := range recs[1:] {
		byRef[rec[0]] = rec
	}
	h := byRef[helene.Reference]
	if h[3] != "Hélène Lévêque" || h[2] != "À vérifier par l'accueil" || h[5] != "02/03/2026 10:30" || h[1] != "Signalement d'un dysfonctionnement" {
		t.Fatalf("row %q", h)
	}
	if h[12] != `'=HYPERLINK("http://mal.example")` {
		t.Fatalf("a formula typed by a citizen would run: %q", h[12])
	}
	if d := byRef[decided.Reference]; d[8] != "1,5" || d[2] != "Acceptée" {
		t.Fatalf("decided row %q", d)
	}

	// The list's filters apply: only what the supervisor sees on screen.
	_, body = c.download("/gestion/supervision/export.csv?etat=accepted")
	r = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))))
	r.Comma = ';'
	recs, err = r.ReadAll()
	fixture.Must(t, err)
	if len(recs) != 2 || recs[1][0] != decided.Reference || len(recs[0]) != 11 {
		t.Fatalf("filtered export %q", recs)
	}
}

func TestExportXLSX(t *testing.T) {
	a, helene, decided := exportWorld(t)
	c := a.signIn(a.Supervisor)
	res, body := c.download("/gestion/supervision/export.xlsx?demarche=" + itoa(a.Procedure.ID) + "&tri=reference")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	fixture.Must(t, err)
	defer f.Close()
	rows, err := f.GetRows("Demandes")
	fixture.Must(t, err)
	if len(rows) != 4 || rows[0][0] != "Référence" || rows[0][12] != "Description" {
		t.Fatalf("rows %q", rows)
	}
	refs := []string{rows[1][0], rows[2][0], rows[3][0]}
	if !slices.IsSorted(refs) || !slices.Contains(refs, helene.Reference) || !slices.Contains(refs, decided.Reference) {
		t.Fatalf("references %v: not the list in its order", refs)
	}
	for i, row := range rows[1:] {
		cell := func(col int) string { n, _ := excelize.CoordinatesToCellName(col, i+2); return n }
		if row[0] != helene.Reference {
			continue
		}
		if row[3] != "Hélène Lévêque" || row[12] != `=HYPERLINK("http://mal.example")` {
			t.Fatalf("row %q", row)
		}
		// A real date, shown in Paris time, and text that is not a formula.
		if typ, _ := f.GetCellType("Demandes", cell(6)); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Fatalf("reception date stored as text")
		}
		if row[5] != "02/03/2026 10:30" {
			t.Fatalf("reception date shows %q", row[5])
		}
		if formula, _ := f.GetCellFormula("Demandes", cell(13)); formula != "" {
			t.Fatalf("a citizen's text became a formula: %s", formula)
		}
	}
	if panes, _ := f.GetPanes("Demandes"); !panes.Freeze {
		t.Fatal("header row not frozen")
	}
}

func TestIndicators(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	// Voirie: one decided two days after its transfer, one held for three days, one sent back.
	a.DemandAt(t, fixture.AtTransferred) // held
	a.Clock.Advance(22 * time.Hour)
	decided := a.DemandAt(t, fixture.AtTransferred)
	a.Clock.Advance(2*24*time.Hour + 3*time.Hour)
	a.Apply(t, decided, workflow.Accept, a.ServiceOn(decided, a.Voirie), workflow.Input{})
	returned := a.DemandAt(t, fixture.AtReturned)
	a.Apply(t, returned, workflow.Transfer, workflow.AgentActor(a.Accueil), workflow.Input{ServiceID: a.Urbanisme.ID})
	a.DemandAt(t, fixture.AtSubmitted)

	r := a.signIn(a.Supervisor).get("/gestion/supervision/indicateurs")
	mustStatus(t, r, http.StatusOK)
	assertAccessible(t, r.Doc)
	services := map[string][]string{}
	r.Doc.Find("table.indicators-services tbody tr").Each(func(_ int, s *goquery.Selection) {
		var cells []string
		s.Find("th, td").Each(func(_ int, c *goquery.Selection) { cells = append(cells, strings.TrimSpace(c.Text())) })
		services[cells[0]] = cells[1:]
	})
	if got, want := services["voirie"], []string{"1", "3 j 1 h", "1", "2 j 3 h", "2 j 3 h", "1"}; !slices.Equal(got, want) {
		t.Fatalf("voirie %q, want %q", got, want)
	}
	if got, want := services["urbanisme"], []string{"1", "moins d'une minute", "0", "—", "—", "0"}; !slices.Equal(got, want) {
		t.Fatalf("urbanisme %q, want %q", got, want)
	}
	mustContain(t, r, "1 demande renvoyée à l'accueil par un service")
	mustContain(t, r, "1 demande transmise plus d'une fois")

	vol := r.Doc.Find("table.indicators-volumes tbody tr").First()
	cells := vol.Find("td")
	if vol.Find("th").Text() != a.Procedure.Title || cells.Eq(cells.Length()-2).Text() != "4" || cells.Last().Text() != "4" {
		t.Fatalf("volumes: %q", strings.Join(strings.Fields(vol.Text()), " "))
	}
	var n int
	fixture.Must(t, a.DB.NewSelect().Table("demands").ColumnExpr("count(*)").Where("commune_id = ?", a.Commune.ID).Scan(ctx, &n))
	mustContain(t, r, itoa(int64(n))+" demandes en tout")
}

// TestDemandPageGoesBackToItsList: a demand opened from the supervisor's
// list, filtered, sorted and paged, goes back there, and still does after
// an action; the way back is one of the back office's lists, never an
// address elsewhere.
func TestDemandPageGoesBackToItsList(t *testing.T) {
	a := newApp(t)
	seedDemands(t, a.World, 55, "submitted", time.Now().Add(-2*time.Hour), "Banc")
	c := a.signIn(a.Supervisor)
	first := c.get("/gestion/supervision?etat=submitted&tri=usager")
	next, _ := first.Doc.Find(`a[rel="next"]`).Attr("href")
	list := c.get(next)
	row, ok := list.Doc.Find("table.demand-table tbody tr td:first-child a").First().Attr("href")
	if !ok {
		t.Fatalf("no row on %s: %s", next, text(list))
	}
	page := c.get(row)
	mustStatus(t, page, http.StatusOK)
	back := func(r *response) string { return r.Doc.Find(`a:contains("Retour à la liste")`).AttrOr("href", "") }
	if got := back(page); got != next {
		t.Fatalf("back to %q, want the list the demand was opened from, %q", got, next)
	}
	action, form := actionForm(t, page, "accepter")
	form.Set("confirmer", "oui")
	done := c.follow(c.post(action, form))
	mustContain(t, done, "Demande acceptée")
	if got := back(done); got != next {
		t.Fatalf("after the action, back to %q, want %q", got, next)
	}

	id := row[:strings.Index(row, "?")]
	for _, elsewhere := range []string{"https://mal.example/gestion/", "//mal.example/gestion/supervision", "/gestion/admin/agents", "javascript:alert(1)"} {
		if got := back(c.get(id + "?retour=" + url.QueryEscape(elsewhere))); got != "/gestion/" {
			t.Errorf("retour=%s: back to %q, want the queue", elsewhere, got)
		}
	}
}
