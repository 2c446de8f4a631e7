package migrations

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"guichet/models"
)

func init() { goMigrations.MustRegister(chainHistory, nil) }

// chainHistory puts the entries written before the history was chained into
// their commune's chain, in the order of their ids, with the hashes the
// writer computed then (models.ChainV1, models.Link; the next migration,
// 20261201004001, relinks them in the next format), and sets each commune's
// chain head.
func chainHistory(ctx context.Context, db *bun.DB) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var communes []int64
		if err := tx.NewRaw("SELECT DISTINCT commune_id FROM demand_events WHERE seq IS NULL ORDER BY 1").Scan(ctx, &communes); err != nil {
			return err
		}
		for _, c := range communes {
			type link struct {
				id, seq             int64
				prev, hash, content []byte
			}
			var links []link
			prev := models.ZeroHash
			err := models.ChainEntries(ctx, tx, c, func(e *models.Event) error {
				if e.Hash != nil {
					return fmt.Errorf("commune %d: entry %d is chained already", c, e.ID)
				}
				h := models.Link(prev, models.ChainV1.EntryDigest(e))
				links = append(links, link{e.ID, int64(len(links) + 1), prev, h, e.ContentHash})
				prev = h
				return nil
			})
			if err != nil {
				return err
			}
			for first := 0; first < len(links); first += 1000 {
				var vals []string
				for _, l := range links[first:min(first+1000, len(links))] {
					vals = append(vals, fmt.Sprintf("(%d, %d, '\\x%x'::bytea, '\\x%x'::bytea, '\\x%x'::bytea)", l.id, l.seq, l.prev, l.hash, l.content))
				}
				if _, err := tx.ExecContext(ctx, `UPDATE demand_events AS e SET seq = v.seq, prev_hash = v.prev, hash = v.hash, content_hash = v.content
					FROM (VALUES `+strings.Join(vals, ", ")+`) AS v (id, seq, prev, hash, content) WHERE e.id = v.id`); err != nil {
					return err
				}
			}
			last := links[len(links)-1]
			if _, err := tx.NewInsert().Model(&models.ChainHead{CommuneID: c, Seq: last.seq, PrevHash: last.prev, Hash: last.hash}).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}
