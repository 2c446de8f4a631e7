package testdb

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/models"
)

func TestMain(m *testing.M) {
	Main(m)
}

func TestIsolatedAndMigrated(t *testing.T) {
	ctx := context.Background()
	begin := time.Now()
	a := New(t)
	t.Logf("first New (server and template included) took %v", time.Since(begin))
	begin = time.Now()
	b := New(t)
	t.Logf("second New took %v", time.Since(begin))

	for i, db := range []*bun.DB{a, b} {
		var migrated, unaccented bool
		err := db.QueryRowContext(ctx, `SELECT to_regclass('demands') IS NOT NULL,
			to_tsvector('fr_unaccent', 'École') @@ to_tsquery('fr_unaccent', 'ecole')`).Scan(&migrated, &unaccented)
		if err != nil {
			t.Fatalf("database %d: %v", i, err)
		}
		if !migrated || !unaccented {
			t.Errorf("database %d: table demands exists: %v, 'ecole' finds 'École': %v", i, migrated, unaccented)
		}
	}

	if _, err := a.ExecContext(ctx, "CREATE TABLE only_in_a (id int)"); err != nil {
		t.Fatal(err)
	}
	var inB bool
	if err := b.QueryRowContext(ctx, "SELECT to_regclass('only_in_a') IS NOT NULL").Scan(&inB); err != nil {
		t.Fatal(err)
	}
	if inB {
		t.Error("a table created in one database shows in the other")
	}
}

func TestDSN(t *testing.T) {
	db := New(t)
	other, err := models.Open(DSN(t, db))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE seen (id int)"); err != nil {
		t.Fatal(err)
	}
	var seen bool
	if err := other.QueryRowContext(ctx, "SELECT to_regclass('seen') IS NOT NULL").Scan(&seen); err != nil {
		t.Fatal(err)
	}
	if !seen {
		t.Error("DSN does not lead to the database New returned")
	}
}

func BenchmarkNew(b *testing.B) {
	New(b) // the server and the template are not what is measured
	for b.Loop() {
		New(b)
	}
}
