package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// TestServiceBoard: the board link, e-mailed to the service, lists what the
// service holds, the longest waiting first, each opening its page; revoking
// the service's links closes the board and the links it gave.
func TestServiceBoard(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	var mine []*models.Demand
	for i := 0; i < 3; i++ {
		d := a.DemandAt(t, fixture.AtTransferred)
		// Transferred 3, 2 and 1 days ago: the board must show them in that order.
		_, err := a.DB.NewUpdate().Model((*models.Demand)(nil)).Set("updated_at = ?", a.Clock.Now().Add(-time.Duration(3-i)*24*time.Hour)).
			Where("id = ?", d.ID).Exec(ctx)
		fixture.Must(t, err)
		mine = append(mine, d)
	}
	// Newest on the board but asked a correction: listed apart.
	waiting := a.DemandAt(t, fixture.AtCorrectionService)
	notMine := a.DemandAt(t, fixture.AtSubmitted)
	a.Apply(t, notMine, workflow.Transfer, workflow.AgentActor(a.Accueil), workflow.Input{ServiceID: a.Urbanisme.ID})
	decided := a.DemandAt(t, fixture.AtTransferred)
	a.Apply(t, decided, workflow.Accept, a.ServiceOn(decided, a.Voirie), workflow.Input{})

	fixture.Must(t, a.Notifier.MailBoard(ctx, a.DB, a.Commune, a.Voirie))
	m := mailTo(t, a.sendMail(), a.Voirie.Email)
	if !strings.Contains(m.Subject, "Tableau de bord du service voirie") {
		t.Fatalf("board mail: %q", m.Subject)
	}
	board := linkIn(t, m, "/service/tableau/")
	c := a.client()
	r := c.get(board)
	var refs []string
	r.Doc.Find("main table").First().Find("tbody tr td:first-child a").Each(func(_ int, s *goquery.Selection) { refs = append(refs, s.Text()) })
	want := []string{mine[0].Reference, mine[1].Reference, mine[2].Reference}
	if strings.Join(refs, " ") != strings.Join(want, " ") {
		t.Fatalf("board lists %v, want %v\n%s", refs, want, text(r))
	}
	if !strings.Contains(text(r), waiting.Reference) || strings.Contains(text(r), notMine.Reference) || strings.Contains(text(r), decided.Reference) {
		t.Fatalf("board: %s", text(r))
	}
	first, _ := r.Doc.Find("main table tbody a").First().Attr("href")
	page := c.get(first)
	if page.StatusCode != http.StatusOK || !strings.Contains(text(page), mine[0].Reference) || page.Doc.Find("form[action$='/acceptation']").Length() != 1 {
		t.Fatalf("row link: %d %s", page.StatusCode, text(page))
	}

	_, err := models.RevokeServiceLinks(ctx, a.DB, a.Commune.ID, a.Voirie.ID)
	fixture.Must(t, err)
	if r := c.get(board); r.StatusCode != http.StatusGone || !strings.Contains(text(r), "Lien révoqué") {
		t.Fatalf("revoked board: %d %s", r.StatusCode, text(r))
	}
	if r := c.get(first); r.StatusCode != http.StatusGone || !strings.Contains(text(r), "Lien révoqué") {
		t.Fatalf("link from a revoked board: %d %s", r.StatusCode, text(r))
	}
	fixture.Must(t, a.Notifier.MailBoard(ctx, a.DB, a.Commune, mustService(t, a, a.Voirie.ID)))
	fresh := linkIn(t, mailTo(t, a.sendMail(), a.Voirie.Email), "/service/tableau/")
	if r := c.get(fresh); r.StatusCode != http.StatusOK {
		t.Fatalf("new board link: %d %s", r.StatusCode, text(r))
	}

	// A deactivated service's board says so, not that its link was revoked.
	_, err = a.DB.NewUpdate().Model((*models.Service)(nil)).Set("active = false").Where("id = ?", a.Voirie.ID).Exec(ctx)
	fixture.Must(t, err)
	if r := c.get(fresh); r.StatusCode != http.StatusGone || !strings.Contains(text(r), "Service désactivé") || strings.Contains(text(r), "révoqué") {
		t.Fatalf("deactivated service's board: %d %s", r.StatusCode, text(r))
	}
}

// TestServiceBoardLinkExpires: a board link past its expiry opens nothing
// and hands out no action link; it says when it expired.
func TestServiceBoardLinkExpires(t *testing.T) {
	a := newApp(t)
	a.DemandAt(t, fixture.AtTransferred)
	u, _, err := a.Notifier.BoardURL(a.Commune, a.Voirie)
	fixture.Must(t, err)
	board := pathOf(t, u)
	mustStatus(t, a.client().get(board), http.StatusOK)

	a.Clock.Advance(a.Notifier.BoardLinkTTL + time.Minute)
	r := a.client().get(board)
	mustStatus(t, r, http.StatusGone)
	mustContain(t, r, "Ce lien de tableau de bord a expiré le")
	if n := r.Doc.Find("a[href*='/service/']").Length(); n != 0 {
		t.Fatalf("an expired board gives %d service links: %s", n, text(r))
	}
}

func mustService(t *testing.T, a *app, id int64) *models.Service {
	s, err := models.ServiceByID(context.Background(), a.DB, a.Commune.ID, id)
	fixture.Must(t, err)
	return s
}

// boardRefs lists the references of one list of the board (0: to handle,
// 1: waiting for a correction), in order.
func boardRefs(r *response, list int) []string {
	var refs []string
	r.Doc.Find("main table").Eq(list).Find("tbody tr td:first-child a").Each(func(_ int, s *goquery.Selection) { refs = append(refs, s.Text()) })
	return refs
}

// TestServiceBoardPaging: a service holding 120 demands to handle sees
// them 50 at a time, the longest waiting first, with its total; "next" and
// "previous" walk them with no gap and no overlap, through addresses that
// keep the board's signed token; paging one list keeps the other in place.
func TestServiceBoardPaging(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	for range 120 {
		a.DemandAt(t, fixture.AtTransferred)
	}
	for range 52 {
		a.DemandAt(t, fixture.AtCorrectionService)
	}
	// Four came into the service's hands at the same instant: the id orders them.
	a.exec("UPDATE demands SET updated_at = ? WHERE id IN (SELECT id FROM demands WHERE state = 'transferred' ORDER BY id OFFSET 48 LIMIT 4)", a.Clock.Now().Add(-48*time.Hour))
	held := func(state string) []string {
		var refs []string
		fixture.Must(t, a.DB.NewSelect().Model((*models.Demand)(nil)).Column("reference").
			Where("commune_id = ? AND service_id = ? AND state = ?", a.Commune.ID, a.Voirie.ID, state).
			Order("updated_at", "id").Scan(ctx, &refs))
		return refs
	}
	toHandle, waiting := held(workflow.Transferred), held(workflow.CorrectionRequested)

	u, _, err := a.Notifier.BoardURL(a.Commune, a.Voirie)
	fixture.Must(t, err)
	board := pathOf(t, u)
	c := a.client()
	r := c.get(board)
	mustStatus(t, r, http.StatusOK)
	assertAccessible(t, r.Doc)
	mustContain(t, r, "Votre service détient 172 demandes")
	mustContain(t, r, "À traiter (120)")
	mustContain(t, r, "En attente de correction par l'usager (52)")
	if got := boardRefs(r, 1); !slices.Equal(got, waiting[:50]) {
		t.Fatalf("waiting list, first page: %v", got)
	}
	// The second page of the waiting list, then the to-handle list paged:
	// the waiting list stays on its second page.
	r = c.get(r.Doc.Find(`nav[aria-label="Pages : En attente de correction par l'usager"] a[rel="next"]`).AttrOr("href", ""))
	mustStatus(t, r, http.StatusOK)

	var pages [][]string
	for {
		refs := boardRefs(r, 0)
		if len(refs) == 0 || len(refs) > 50 {
			t.Fatalf("page %d: %d rows", len(pages)+1, len(refs))
		}
		if got := boardRefs(r, 1); !slices.Equal(got, waiting[50:]) {
			t.Fatalf("page %d: waiting list %v, want its second page", len(pages)+1, got)
		}
		pages = append(pages, refs)
		next, ok := r.Doc.Find(`nav[aria-label="Pages : À traiter"] a[rel="next"]`).Attr("href")
		if !ok {
			break
		}
		if !strings.HasPrefix(next, board+"?") {
			t.Fatalf("next page %q is not the board %q with a query", next, board)
		}
		r = c.get(next)
		mustStatus(t, r, http.StatusOK)
		prev, ok := r.Doc.Find(`nav[aria-label="Pages : À traiter"] a[rel="prev"]`).Attr("href")
		if !ok {
			t.Fatalf("page %d: no previous page link", len(pages)+1)
		}
		if got := boardRefs(c.get(prev), 0); !slices.Equal(got, refs) {
			t.Fatalf("previous of page %d: %v, want %v", len(pages)+1, got, refs)
		}
	}
	if len(pages) != 3 || len(pages[0]) != 50 || len(pages[1]) != 50 {
		t.Fatalf("pages of %d, %d… rows (%d pages), want 50, 50, 20", len(pages[0]), len(pages[1]), len(pages))
	}
	if all := slices.Concat(pages...); !slices.Equal(all, toHandle) {
		t.Fatalf("board walks\n%v\nwant\n%v", all, toHandle)
	}
	// A row of the last page opens its demand through its own link.
	row, _ := r.Doc.Find("main table").First().Find("tbody a").Last().Attr("href")
	if page := c.get(row); page.StatusCode != http.StatusOK || page.Doc.Find("form[action$='/acceptation']").Length() != 1 {
		t.Fatalf("row of the last page: %d %s", page.StatusCode, text(page))
	}
	// A tampered token is still refused, position or not.
	if r := c.get(board + "x?apres=x.1"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("tampered board with a position: %d", r.StatusCode)
	}
}

// TestServiceBoardCountStops: past models.CountCap, the board says "plus de
// 1 000" rather than counting every demand.
func TestServiceBoardCountStops(t *testing.T) {
	a := newApp(t)
	seedDemands(t, a.World, models.CountCap+5, "transferred", a.Clock.Now().Add(-72*time.Hour), "Nid-de-poule")
	a.exec(`WITH asg AS (
		INSERT INTO assignments (commune_id, demand_id, service_id, created_at)
		SELECT commune_id, id, ?, updated_at FROM demands WHERE commune_id = ? AND state = 'transferred'
		RETURNING id, demand_id)
	UPDATE demands AS d SET service_id = ?, assignment_id = asg.id FROM asg WHERE d.id = asg.demand_id`, a.Voirie.ID, a.Commune.ID, a.Voirie.ID)
	u, _, err := a.Notifier.BoardURL(a.Commune, a.Voirie)
	fixture.Must(t, err)
	r := a.client().get(u)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Votre service détient plus de 1 000 demandes")
	mustContain(t, r, "À traiter (plus de 1 000)")
	mustContain(t, r, "Affichées par 50")
	if got := boardRefs(r, 0); len(got) != 50 || got[0] != "S"+itoa(a.Commune.ID)+"-transferred-1" {
		t.Fatalf("first page: %d rows from %v", len(got), got[:1])
	}
}
