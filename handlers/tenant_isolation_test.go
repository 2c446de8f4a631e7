package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/perm"
)

// communeDigest sums up every row of one commune: the commune itself and
// each row of every table with a commune_id column (found in the catalog,
// so that a new table is covered without a word here).
func communeDigest(t *testing.T, a *app, communeID int64) string {
	t.Helper()
	ctx := context.Background()
	var tables []string
	fixture.Must(t, a.DB.NewRaw(`SELECT table_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name = 'commune_id' ORDER BY table_name`).Scan(ctx, &tables))
	var b strings.Builder
	for _, table := range append([]string{"communes"}, tables...) {
		col := "commune_id"
		if table == "communes" {
			col = "id"
		}
		var sum string
		fixture.Must(t, a.DB.NewRaw("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "+table+" t WHERE "+col+" = ?", communeID).
			Scan(ctx, &sum))
		b.WriteString(table + ":" + sum + " ")
	}
	return b.String()
}

// Every back-office route and action of the permission table, made by an
// agent of another commune holding every permission, on this commune's
// demands, files, agents, profiles, services and procedures: nothing of
// this commune changes, and a route naming one of its rows answers 404
// (that row does not exist for them) or 403, never its content.
func TestAnotherCommunesAgentChangesNothingOfThisOne(t *testing.T) {
	a := newApp(t)
	table := permissionTable(a, newPermWorld(t, a))
	other := fixture.NewWorld(t, a.DB)
	var all perm.Set
	for _, d := range perm.All {
		all = append(all, d.Permission)
	}
	intruder := a.signIn(other.NewAgent(t, "intrus", other.NewProfile(t, "Tout", all)))

	before := communeDigest(t, a, a.Commune.ID)
	for _, rq := range table {
		if rq.need == "" || rq.path == "" {
			continue // public pages and the agent's own settings
		}
		name := rq.method + " " + rq.path
		r := rq.send(intruder)
		if strings.Contains(rq.route, ":") && r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusForbidden {
			t.Errorf("%s by another commune's agent: %d, want 404 or 403: %.300s", name, r.StatusCode, text(r))
		}
		if r.StatusCode >= 500 {
			t.Errorf("%s by another commune's agent: %d", name, r.StatusCode)
		}
		if after := communeDigest(t, a, a.Commune.ID); after != before {
			t.Fatalf("%s by another commune's agent changed this commune:\n%s\n%s", name, before, after)
		}
	}
}
