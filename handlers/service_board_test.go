package handlers_test

import (
	"context"
	"net/http"
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
		_, err := a.DB.NewUpdate().Model((*models.Demand)(nil)).Set("updated_at = ?", time.Now().Add(-time.Duration(3-i)*24*time.Hour)).
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
	if r := c.get(linkIn(t, mailTo(t, a.sendMail(), a.Voirie.Email), "/service/tableau/")); r.StatusCode != http.StatusOK {
		t.Fatalf("new board link: %d %s", r.StatusCode, text(r))
	}
}

func mustService(t *testing.T, a *app, id int64) *models.Service {
	s, err := models.ServiceByID(context.Background(), a.DB, a.Commune.ID, id)
	fixture.Must(t, err)
	return s
}
