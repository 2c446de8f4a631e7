package streets

import (
	"context"
	"io"

	"github.com/uptrace/bun"

	"guichet/models"
)

// SampleSize is how many streets an import shows.
const SampleSize = 10

// Summary is what an import did.
type Summary struct {
	Count  int
	Sample []models.Street // the first ones in French order
}

// Import reads the BAN file r (see Read) and makes its streets the
// commune's, replacing the ones it had, in one transaction: a refused file
// changes nothing. A file that is not a BAN export is a *FormatError.
func Import(ctx context.Context, db *bun.DB, communeID int64, r io.Reader, progress func(lines int)) (Summary, error) {
	ss, err := Read(r, progress)
	if err != nil {
		return Summary{}, err
	}
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return models.ReplaceStreets(ctx, tx, communeID, ss)
	})
	if err != nil {
		return Summary{}, err
	}
	return Summarize(ctx, db, communeID)
}

// Summarize is the commune's streets as an admin sees them: their count and a sample.
func Summarize(ctx context.Context, db bun.IDB, communeID int64) (Summary, error) {
	n, err := models.CountStreets(ctx, db, communeID)
	if err != nil {
		return Summary{}, err
	}
	sample, err := models.SampleStreets(ctx, db, communeID, SampleSize)
	return Summary{Count: n, Sample: sample}, err
}
