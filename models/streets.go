package models

import (
	"context"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// Street is one street name (a voie or a lieu-dit) of a commune, with the
// postcodes its addresses have. Folded is its name as streets.Fold writes
// it; the table derives the suggestion index from it (migration
// 20261201001200_streets).
type Street struct {
	bun.BaseModel `bun:"table:streets"`

	ID        int64    `bun:",pk,autoincrement"`
	CommuneID int64    `bun:",notnull"`
	Name      string   `bun:",notnull"`
	Folded    string   `bun:",notnull"`
	Postcodes []string `bun:",array,notnull"`
}

// streetBatch is how many streets one INSERT writes.
const streetBatch = 1000

// ReplaceStreets makes ss the commune's streets, in tx: the ones it had are
// deleted first.
func ReplaceStreets(ctx context.Context, tx bun.Tx, communeID int64, ss []Street) error {
	if _, err := tx.NewDelete().Model((*Street)(nil)).Where("commune_id = ?", communeID).Exec(ctx); err != nil {
		return err
	}
	for i := 0; i < len(ss); i += streetBatch {
		batch := ss[i:min(i+streetBatch, len(ss))]
		for j := range batch {
			batch[j].CommuneID = communeID
		}
		if _, err := tx.NewInsert().Model(&batch).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// CountStreets is how many streets the commune has.
func CountStreets(ctx context.Context, db bun.IDB, communeID int64) (int, error) {
	n, err := db.NewSelect().Model((*Street)(nil)).Where("commune_id = ?", communeID).Count(ctx)
	return int(n), err
}

// HasStreets tells whether the commune has any street to suggest.
func HasStreets(ctx context.Context, db bun.IDB, communeID int64) (bool, error) {
	return db.NewSelect().Model((*Street)(nil)).Where("commune_id = ?", communeID).Exists(ctx)
}

// SampleStreets is the commune's first n streets in French order.
func SampleStreets(ctx context.Context, db bun.IDB, communeID int64, n int) ([]Street, error) {
	var ss []Street
	err := db.NewSelect().Model(&ss).Where("commune_id = ?", communeID).Order("name", "id").Limit(int64(n)).Scan(ctx)
	return ss, err
}

// SuggestStreets finds the commune's streets having a word that begins with
// each of words (folded), best first: the name beginning with the phrase
// (the words, joined as typed), then the phrase at a word's beginning, then
// the shortest names; at most limit.
func SuggestStreets(ctx context.Context, db bun.IDB, communeID int64, words []string, limit int) ([]Street, error) {
	var ss []Street
	if len(words) == 0 {
		return ss, nil
	}
	phrase := strings.Join(words, " ")
	// Folded words hold letters and digits only: nothing for LIKE to read as a wildcard.
	err := db.NewSelect().Model(&ss).Column("id", "name", "postcodes").
		Where("commune_id = ?", communeID).
		Where("keys @> ARRAY(SELECT street_key(?, w) FROM unnest(?::text[]) AS w)", communeID, pgdialect.Array(words)).
		OrderExpr("folded LIKE ? || '%' DESC", phrase).
		OrderExpr("' ' || folded LIKE '% ' || ? || '%' DESC", phrase).
		OrderExpr("length(name), name, id").
		Limit(int64(limit)).Scan(ctx)
	return ss, err
}
