package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"guichet/fixture"
	"guichet/handlers/web"
)

// benchDemands is how many demands the benchmarks' commune holds; another
// commune holds as many, so that every query has to keep to its own.
const benchDemands = 50_000

// seedRealistic inserts n demands over three years in one statement, in the
// proportions of a living commune: most decided and archived, a few percent
// waiting for the accueil, with names and texts drawn from small lists.
func seedRealistic(tb testing.TB, w *fixture.World, n int) {
	tb.Helper()
	_, err := w.DB.ExecContext(context.Background(), `
INSERT INTO demands (commune_id, procedure_id, reference, tracking_code, state, citizen_email, citizen_name, data,
                     service_id, submitted_at, decided_at, created_at, updated_at)
SELECT ?0, ?1, 'B' || ?0 || '-' || i, 'K' || ?0 || '-' || i, st,
       lower(first) || '.' || lower(last) || i || '@exemple.fr', first || ' ' || last,
       jsonb_build_object('nom', first || ' ' || last, 'description', topic || ' signalé rue ' || street || ', numéro ' || (i % 97)),
       CASE WHEN st IN ('transferred', 'accepted', 'refused', 'archived') THEN ?2::bigint END,
       CASE WHEN st <> 'draft' THEN at END,
       CASE WHEN st IN ('accepted', 'refused', 'archived') THEN at + interval '9 days' END,
       at, at + interval '1 day'
FROM (
    SELECT i, now() - interval '3 years' + i * (interval '3 years' / ?3) AS at,
           CASE WHEN i % 100 < 2 THEN 'submitted' WHEN i % 100 < 3 THEN 'returned_to_guichet'
                WHEN i % 100 < 6 THEN 'transferred' WHEN i % 100 < 7 THEN 'correction_requested'
                WHEN i % 100 < 9 THEN 'draft' WHEN i % 100 < 40 THEN 'accepted'
                WHEN i % 100 < 45 THEN 'refused' ELSE 'archived' END AS st,
           (ARRAY['Anne', 'Bernard', 'Claire', 'Denis', 'Élise', 'François', 'Hélène', 'Jérôme', 'Léa', 'Marc', 'Noémie'])[1 + i % 11] AS first,
           (ARRAY['Rougon', 'Macquart', 'Mouret', 'Quenu', 'Lantier', 'Saccard', 'Muret', 'Dupont', 'Faujas', 'Béraud', 'Chantegreil', 'Lévêque', 'Coupeau'])[1 + (i / 11) % 13] AS last,
           (ARRAY['Lampadaire éteint', 'Nid-de-poule', 'Trottoir abîmé', 'Dépôt sauvage', 'Arbre dangereux', 'Stationnement gênant', 'Fuite d''eau', 'Tag sur un mur', 'Bruit de chantier', 'Panneau tombé'])[1 + (i / 7) % 10] AS topic,
           (ARRAY['de l''Église', 'des Lilas', 'Émile-Zola', 'du Marché', 'de la Gare', 'Victor-Hugo', 'des Écoles'])[1 + i % 7] AS street
    FROM generate_series(1, ?3) AS i
) AS g`, w.Commune.ID, w.Procedure.ID, w.Voirie.ID, n)
	fixture.Must(tb, err)
	_, err = w.DB.ExecContext(context.Background(), "ANALYZE demands")
	fixture.Must(tb, err)
}

// benchApp is an app with benchDemands demands in its commune and as many in another.
func benchApp(b *testing.B) *app {
	b.Helper()
	a := newApp(b)
	seedRealistic(b, a.World, benchDemands)
	seedRealistic(b, fixture.NewWorld(b, a.DB), benchDemands)
	return a
}

func benchGet(b *testing.B, c *client, path string) {
	b.Helper()
	b.ResetTimer()
	for b.Loop() {
		if r := c.get(path); r.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d %s", path, r.StatusCode, text(r))
		}
	}
}

// BenchmarkDashboardFirstPage is the accueil's queue as it opens.
func BenchmarkDashboardFirstPage(b *testing.B) {
	a := benchApp(b)
	benchGet(b, a.signIn(a.Accueil), "/gestion/")
}

// BenchmarkDashboardAllFirstPage is the supervisor's list of every demand.
func BenchmarkDashboardAllFirstPage(b *testing.B) {
	a := benchApp(b)
	benchGet(b, a.signIn(a.Supervisor), "/gestion/supervision")
}

// BenchmarkDashboardDeepPage is a page of the supervisor's list 40,000 rows in.
func BenchmarkDashboardDeepPage(b *testing.B) {
	a := benchApp(b)
	var key string
	var at int64
	fixture.Must(b, a.DB.QueryRow(`SELECT coalesce(submitted_at, created_at)::text, id FROM demands WHERE commune_id = ?
		ORDER BY coalesce(submitted_at, created_at), id OFFSET 40000 LIMIT 1`, a.Commune.ID).Scan(&key, &at))
	c := a.signIn(a.Supervisor)
	// Reach the page the way a person would: through a "next" link's format.
	first := c.get("/gestion/supervision")
	next, ok := first.Doc.Find(`a[rel="next"]`).Attr("href")
	if !ok {
		b.Fatal("no next page")
	}
	u, _ := url.Parse(next)
	q := u.Query()
	q.Set("apres", web.EncodeCursor(key, at))
	benchGet(b, c, "/gestion/supervision?"+q.Encode())
}

// BenchmarkDashboardSearch is a search by a partial word in every demand.
func BenchmarkDashboardSearch(b *testing.B) {
	a := benchApp(b)
	benchGet(b, a.signIn(a.Supervisor), "/gestion/supervision?q=lampad")
}

// BenchmarkDashboardSearchRare is a search by a name and a partial word
// that few demands share.
func BenchmarkDashboardSearchRare(b *testing.B) {
	a := benchApp(b)
	benchGet(b, a.signIn(a.Supervisor), "/gestion/supervision?q="+url.QueryEscape("noemie coupeau lilas"))
}
