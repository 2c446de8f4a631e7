package migrations_test

import (
	"context"
	"sync"
	"testing"

	"guichet/migrations"
	"guichet/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// The template every test database copies was migrated from empty; here the
// migrations run again, from two processes at once: the advisory lock makes
// them wait for each other and the second finds nothing to do.
func TestMigrateIsIdempotentAndSerialised(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = migrations.Migrate(ctx, db) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.NewRaw("SELECT count(*) FROM bun_migrations").Scan(ctx, &n); err != nil {
		t.Fatal(err)
	}
	var files int
	if err := db.NewRaw("SELECT count(*) FROM bun_migrations WHERE name LIKE '2026%'").Scan(ctx, &files); err != nil || files != n || n == 0 {
		t.Fatalf("%d migrations recorded (%d named), err %v", n, files, err)
	}
	var found bool
	if err := db.NewRaw("SELECT to_tsvector('fr_unaccent', 'Élagage des arbres') @@ to_tsquery('fr_unaccent', 'elagage & arbre')").Scan(ctx, &found); err != nil || !found {
		t.Fatalf("French unaccented search: %v %v", found, err)
	}
}
