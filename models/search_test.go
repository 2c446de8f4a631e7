package models_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/fixture"
	"guichet/models"
	"guichet/testdb"
)

// TestSearchEveryWay: a text search gives the same pages whether it goes
// through the prefix index (exports), reads the matches counting found
// (few matches), or filters the list in its order (more than CountCap), in
// every order and both directions, and finds exactly the demands whose
// words begin with every term.
func TestSearchEveryWay(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	w := fixture.NewWorld(t, db)
	other := fixture.NewWorld(t, db)

	names := []string{"Hélène Dupont", "François Mouret", "Léa Dupuis", "Émile Garcia"}
	problems := []string{"Lampadaire éteint", "Trottoir défoncé", "Nid-de-poule rue Victor Hugo", "Dépôt sauvage quai du Port"}
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	want := map[string][]string{} // search → references, found by reading the data
	for i := range 90 {
		d := w.Draft(t, fmt.Sprintf("usager%d@exemple.fr", i))
		name, problem := names[i%len(names)], problems[(i/len(names))%len(problems)]
		d.CitizenName = name
		d.Data = map[string]any{"nom": name, "description": fmt.Sprintf("%s, signalement %d", problem, i)}
		d.CreatedAt = start.Add(time.Duration(i*7%90) * time.Hour) // not in id order
		_, err := db.NewUpdate().Model(d).Column("citizen_name", "data", "created_at").WherePK().Exec(ctx)
		fixture.Must(t, err)
		for _, q := range []string{"lampad", "DUP", "victor hugo", "helene trott", "nid-de-poule", "depot sauvage"} {
			if beginsAll(name+" "+problem, q) {
				want[q] = append(want[q], d.Reference)
			}
		}
	}
	stray := other.Draft(t, "ailleurs@exemple.fr") // another commune's lampadaire
	stray.Data = map[string]any{"nom": "Hélène Dupont", "description": "Lampadaire éteint"}
	_, err := db.NewUpdate().Model(stray).Column("data").WherePK().Exec(ctx)
	fixture.Must(t, err)

	orders := []models.Order{{Column: models.SortReceived}, {Column: models.SortReceived, Desc: true},
		{Column: models.SortReference}, {Column: models.SortCitizen, Desc: true}}
	for q, refs := range want {
		if len(refs) == 0 {
			t.Fatalf("%q: the data has no match; the test proves nothing", q)
		}
		for _, o := range orders {
			f := models.DemandFilter{Text: q}
			indexed := allPages(t, db, w.Commune.ID, f, o)
			counted, err := models.CountByState(ctx, db, w.Commune.ID, f)
			fixture.Must(t, err)
			f.Counted = &counted
			if read := allPages(t, db, w.Commune.ID, f, o); !slices.Equal(indexed, read) {
				t.Errorf("%q by %v: through the index %v, from the counted matches %v", q, o, indexed, read)
			}
			f.Counted = &models.Counts{Capped: true}
			if filtered := allPages(t, db, w.Commune.ID, f, o); !slices.Equal(indexed, filtered) {
				t.Errorf("%q by %v: through the index %v, filtering in order %v", q, o, indexed, filtered)
			}
			got := slices.Sorted(slices.Values(indexed))
			if exp := slices.Sorted(slices.Values(refs)); !slices.Equal(got, exp) {
				t.Errorf("%q by %v: found %v, want %v", q, o, got, exp)
			}
		}
	}

	// Stop words alone ("du", "le") match nothing either way, and the
	// counts say so.
	counted, err := models.CountByState(ctx, db, w.Commune.ID, models.DemandFilter{Text: "du le"})
	fixture.Must(t, err)
	if len(counted.ByState) != 0 || counted.Capped || len(counted.Matches) != 0 {
		t.Errorf("stop words counted %+v", counted)
	}
	for _, c := range []*models.Counts{nil, &counted, {Capped: true}} {
		f := models.DemandFilter{Text: "du le", Counted: c}
		if got := allPages(t, db, w.Commune.ID, f, models.Order{Column: models.SortReceived}); len(got) != 0 {
			t.Errorf("stop words (counted %+v): %d demands found", c, len(got))
		}
	}
	counted, err = models.CountByState(ctx, db, w.Commune.ID, models.DemandFilter{Text: "lampad"})
	fixture.Must(t, err)
	if counted.ByState["draft"] != len(want["lampad"]) || len(counted.Matches) != len(want["lampad"]) {
		t.Errorf("counts for lampad: %+v, want %d drafts", counted, len(want["lampad"]))
	}
}

// allPages reads a whole list 7 rows at a time with the "next" cursor,
// then checks that reading it back with the "previous" one gives it again.
func allPages(t *testing.T, db bun.IDB, communeID int64, f models.DemandFilter, o models.Order) []string {
	t.Helper()
	ctx := context.Background()
	var refs []string
	var pages [][]string
	var cur *models.Cursor
	for {
		rows, more, err := models.ListDemands(ctx, db, communeID, f, o, cur, 7)
		fixture.Must(t, err)
		var page []string
		for _, r := range rows {
			page = append(page, r.Reference)
		}
		refs, pages = append(refs, page...), append(pages, page)
		if !more {
			break
		}
		last := rows[len(rows)-1]
		cur = &models.Cursor{Key: last.SortKey, ID: last.ID}
	}
	for i := len(pages) - 2; i >= 0; i-- { // backwards from the last page
		rows, _, err := models.ListDemands(ctx, db, communeID, f, o, prevCursor(t, db, communeID, f, o, pages[i+1][0]), 7)
		fixture.Must(t, err)
		var page []string
		for _, r := range rows {
			page = append(page, r.Reference)
		}
		if !slices.Equal(page, pages[i]) {
			t.Errorf("%q by %v: page %d read backwards is %v, forwards %v", f.Text, o, i, page, pages[i])
		}
	}
	return refs
}

// prevCursor is the "previous" cursor of a page starting at ref.
func prevCursor(t *testing.T, db bun.IDB, communeID int64, f models.DemandFilter, o models.Order, ref string) *models.Cursor {
	t.Helper()
	var cur *models.Cursor
	for {
		rows, more, err := models.ListDemands(context.Background(), db, communeID, f, o, cur, 7)
		fixture.Must(t, err)
		for _, r := range rows {
			if r.Reference == ref {
				return &models.Cursor{Key: r.SortKey, ID: r.ID, Before: true}
			}
		}
		if !more {
			t.Fatalf("%s not in the list", ref)
		}
		last := rows[len(rows)-1]
		cur = &models.Cursor{Key: last.SortKey, ID: last.ID}
	}
}

// beginsAll tells whether each word of q begins a word of text, accents
// and case ignored.
func beginsAll(text, q string) bool {
	plain := func(s string) string {
		return strings.ToLower(strings.NewReplacer("é", "e", "è", "e", "ô", "o", "ç", "c", "É", "e").Replace(s))
	}
	words := strings.FieldsFunc(plain(text), func(r rune) bool { return r == ' ' || r == ',' })
	for _, term := range strings.Fields(plain(q)) {
		if !slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, term) }) {
			return false
		}
	}
	return true
}
