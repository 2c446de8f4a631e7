package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/testdb"
)

// When the pooler in front of the database crashes, a person sees a page
// saying the service is momentarily unavailable and to retry in a few
// seconds (503, Retry-After), not an internal error; what a citizen sent
// was not recorded, and the page says so; the operator sees a warning and
// a count of its own, no error. Once the pooler is back, the same requests
// go through.
func TestDatabaseUnreachableAsksToRetry(t *testing.T) {
	direct := testdb.New(t)
	pooler := testdb.NewProxy(t, direct)
	db, err := models.Open(pooler.DSN)
	fixture.Must(t, err)
	t.Cleanup(func() { db.Close() })
	a := newAppOn(t, db, fixture.Config(t))
	d := a.DemandAt(t, fixture.AtSubmitted)
	_, serviceLink := transferred(t, a)
	agent := a.signIn(a.Accueil)
	page := "/gestion/demandes/" + itoa(d.ID)
	mustStatus(t, agent.get(page), http.StatusOK)
	citizen := a.client()
	start := "/c/" + a.Commune.Slug + "/demarches/" + a.Procedure.Slug
	typed := url.Values{"email": {"claude.panne@exemple.fr"}, "nom": {"Claude Dupont"}}
	service := a.client()

	pooler.Crash()
	retryPage := func(r *response, says string) {
		t.Helper()
		mustStatus(t, r, http.StatusServiceUnavailable)
		if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s <= 0 {
			t.Errorf("%s: Retry-After %q", r.Request.URL.Path, r.Header.Get("Retry-After"))
		}
		if h1 := strings.TrimSpace(r.Doc.Find("main h1").Text()); h1 != "Service momentanément indisponible" {
			t.Errorf("%s: h1 %q", r.Request.URL.Path, h1)
		}
		mustContain(t, r, says)
		mustContain(t, r, "Réessayez dans quelques secondes")
		assertAccessible(t, r.Doc)
	}
	r := agent.get(page)
	retryPage(r, "momentanément indisponible")
	if href, _ := r.Doc.Find("main a").Attr("href"); href != page || r.Doc.Find("main a").Text() != "Réessayer" {
		t.Errorf("the agent's page offers %q to %q, want Réessayer to the same page", r.Doc.Find("main a").Text(), href)
	}
	retryPage(service.get(serviceLink), "momentanément indisponible")
	r = citizen.post(start, typed)
	retryPage(r, "Ce que vous venez d'envoyer n'a pas été enregistré")
	mustContain(t, r, "le bouton « Précédent » de votre navigateur vous ramène au formulaire avec ce que vous aviez saisi")

	if errs := a.Logs.errors(); len(errs) > 0 {
		t.Errorf("logged as errors: %q", errs)
	}
	if warned := strings.Count(a.Logs.b.String(), "level=WARN msg=\"database unreachable\""); warned != 3 {
		t.Errorf("%d warnings logged, want one per request: %s", warned, a.Logs.b.String())
	}
	ms := httptest.NewServer(a.App.Metrics.Handler())
	defer ms.Close()
	_, metrics := fetch(t, ms.URL)
	for _, want := range []string{`guichet_database_unavailable_total{route="/gestion/demandes/:id"} 1`,
		`guichet_database_unavailable_total{route="/c/:commune/demarches/:procedure"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}

	pooler.Restart()
	mustStatus(t, agent.get(page), http.StatusOK)
	mustStatus(t, service.get(serviceLink), http.StatusOK)
	mustStatus(t, citizen.post(start, typed), http.StatusSeeOther)
	var drafts int
	fixture.Must(t, direct.NewRaw("SELECT count(*) FROM demands WHERE citizen_email = ?", typed.Get("email")).Scan(context.Background(), &drafts))
	if drafts != 1 {
		t.Fatalf("%d drafts, want the one of the retry", drafts)
	}
}
