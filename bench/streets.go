package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/uptrace/bun/dialect/pgdialect"

	"guichet/streets"
)

// The street suggestions are measured for a city of cityStreets street
// names (Marseille or Paris have 6,000 to 8,000), in an instance holding
// instanceStreets rows across its communes (a whole département on one
// instance, and more): the index holds the commune in its keys, so the
// city's cost should not depend on the others'.
const (
	cityStreets     = 6_000
	instanceStreets = 1_000_000
)

// typed are what citizens type in an address field, letter by letter.
var typed = []string{"r", "ru", "rue de la", "12 rue de la rep", "egl", "av victor", "3 bis chemin des", "allee des lil",
	"place", "imp marie", "boulevard jean ja", "8 mai", "quai", "route de", "zzz"}

// bareSuggest is models.SuggestStreets's query as PostgreSQL runs it, the
// measure's baseline.
const bareSuggest = `SELECT id, name, postcodes FROM streets
	WHERE commune_id = $1 AND keys @> ARRAY(SELECT street_key($1, w) FROM unnest($2::text[]) AS w)
	ORDER BY folded LIKE $3 || '%' DESC, ' ' || folded LIKE '% ' || $3 || '%' DESC, length(name), name, id LIMIT 10`

// streetSuggestions measures a suggestion through the handler, through
// streets.Suggest, and in bare SQL; the first two say their ratio to the third.
func (b *bed) streetSuggestions(ctx context.Context) error {
	names := []string{"streets: suggestion handler (GET /c/SLUG/voies)", "streets: streets.Suggest", "streets: the same query in bare SQL"}
	if !b.want(names[0]) && !b.want(names[1]) && !b.want(names[2]) {
		return nil
	}
	if err := b.seedStreets(ctx); err != nil {
		return err
	}
	cid := b.commune.ID
	foldedWords := make([][]string, len(typed))
	for i, q := range typed {
		_, foldedWords[i] = streets.Terms(q)
	}
	var results []Result
	measures := []func(ctx context.Context, i int) error{
		func(ctx context.Context, i int) error {
			req := httptest.NewRequest(http.MethodGet, "/c/"+b.commune.Slug+"/voies?q="+url.QueryEscape(typed[i%len(typed)]), nil)
			_, err := b.serve(ctx, req, nil, http.StatusOK)
			return err
		},
		func(ctx context.Context, i int) error {
			_, err := streets.Suggest(ctx, b.db, cid, typed[i%len(typed)])
			return err
		},
		func(ctx context.Context, i int) error {
			w := foldedWords[i%len(foldedWords)]
			rows, err := b.db.DB.QueryContext(ctx, bareSuggest, cid, w, strings.Join(w, " "))
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		},
	}
	for i, name := range names {
		if !b.want(name) {
			continue
		}
		r, err := latency(ctx, fmt.Sprintf("%s, city of %d streets among %d", name, cityStreets, instanceStreets), b.o.Duration, measures[i])
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	if len(results) == 3 {
		for _, r := range results[:2] {
			r.Note = fmt.Sprintf("p50 ×%.1f the bare SQL", float64(r.P50)/float64(results[2].P50))
			b.add(r)
		}
		b.add(results[2])
		return nil
	}
	for _, r := range results {
		b.add(r)
	}
	return nil
}

// seedStreets gives the measured commune cityStreets street names and the
// other bench communes the rest of instanceStreets, once.
func (b *bed) seedStreets(ctx context.Context) error {
	var n int
	if err := b.db.NewRaw("SELECT count(*) FROM streets").Scan(ctx, &n); err != nil {
		return err
	}
	if n >= instanceStreets {
		return nil
	}
	var others []int64
	err := b.db.NewRaw("SELECT id FROM communes WHERE slug LIKE ? AND id <> ? ORDER BY id", SlugPrefix+"%", b.commune.ID).Scan(ctx, &others)
	if err != nil {
		return err
	}
	if len(others) == 0 {
		return fmt.Errorf("the street measures need at least two bench communes")
	}
	start := time.Now()
	fmt.Fprintf(b.o.Out, "Loading %d street names (once)…\n", instanceStreets)
	if _, err := b.db.ExecContext(ctx, "DELETE FROM streets"); err != nil {
		return err
	}
	per := (instanceStreets - cityStreets) / len(others)
	plan := map[int64]int{b.commune.ID: cityStreets}
	for _, id := range others {
		plan[id] = per
	}
	r := rand.New(rand.NewPCG(7, 13))
	for id, count := range plan {
		ns, fs := streetNamesFor(r, count)
		for i := 0; i < len(ns); i += 10_000 {
			j := min(i+10_000, len(ns))
			_, err := b.db.ExecContext(ctx, `INSERT INTO streets (commune_id, name, folded, postcodes)
				SELECT ?, n, f, '{13100}' FROM unnest(?::text[], ?::text[]) AS t(n, f)`, id, pgdialect.Array(ns[i:j]), pgdialect.Array(fs[i:j]))
			if err != nil {
				return err
			}
		}
	}
	_, err = b.db.ExecContext(ctx, "VACUUM ANALYZE streets")
	fmt.Fprintf(b.o.Out, "  done (%s)\n", since(start))
	return err
}

// streetNamesFor makes count distinct street names, and their folded forms:
// a kind of street, then a person's name or a common street name.
func streetNamesFor(r *rand.Rand, count int) (names, folded []string) {
	kinds := []string{"Rue", "Avenue", "Boulevard", "Place", "Impasse", "Chemin", "Allée", "Quai", "Route", "Cours", "Square", "Passage"}
	seen := map[string]bool{}
	for len(names) < count {
		var n string
		k := kinds[r.IntN(len(kinds))]
		switch r.IntN(4) {
		case 0:
			n = k + " " + streetNames[r.IntN(len(streetNames))]
		default:
			n = k + " " + firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
		}
		if len(seen) > count/2 && seen[streets.Fold(n)] {
			n += fmt.Sprintf(" %d", r.IntN(100)+2) // "Chemin Louise Martin 2": the names run out in a large commune
		}
		f := streets.Fold(n)
		if seen[f] {
			continue
		}
		seen[f] = true
		names, folded = append(names, n), append(folded, f)
	}
	return names, folded
}
