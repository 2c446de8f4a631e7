package migrations

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/uptrace/bun"

	"guichet/audit"
	"guichet/models"
)

func init() { goMigrations.MustRegister(relinkHistory, nil) }

type auditKeyCtx struct{}

// WithAuditKey gives the migrations the history's signing key
// (AUDIT_SIGNING_KEY): relinking a chain signs its daily digests again.
func WithAuditKey(ctx context.Context, key ed25519.PrivateKey) context.Context {
	return context.WithValue(ctx, auditKeyCtx{}, key)
}

// relinkFrom and relinkTo are the formats relinkHistory moves the chains
// between: ChainV2 takes more of an entry's details for free text, so that
// anonymisation may erase them.
var relinkFrom, relinkTo = models.ChainV1, models.ChainV2

// relinkHistory rewrites every commune's chain in the new format, in one
// transaction, writers waiting: each chain must first verify in the old
// format (with its signed digests) or the migration fails naming the
// commune and the first bad entry, so that the new hashes never vouch for a
// history altered before. Entries whose text was erased lose the details
// that became free text. The signed digests are signed again with their
// hash in the new format at their place (the same statement, "this day the
// chain reached this entry", in the format audit verify now checks), and a
// chain_relinks row keeps the old and new heads.
func relinkHistory(ctx context.Context, db *bun.DB) error {
	key, _ := ctx.Value(auditKeyCtx{}).(ed25519.PrivateKey)
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// An entry appended or a digest signed meanwhile by a process of the
		// previous version would be in the old format.
		if _, err := tx.ExecContext(ctx, "LOCK TABLE chain_heads, history_seals IN SHARE ROW EXCLUSIVE MODE"); err != nil {
			return err
		}
		var communes []models.Commune
		if err := tx.NewSelect().Model(&communes).Where("id IN (SELECT commune_id FROM chain_heads)").Order("id").Scan(ctx); err != nil {
			return err
		}
		for i := range communes {
			if err := relinkCommune(ctx, tx, &communes[i], key); err != nil {
				return err
			}
		}
		return nil
	})
}

// relinkBatch is how many entries one UPDATE rewrites.
const relinkBatch = 10_000

func relinkCommune(ctx context.Context, tx bun.Tx, c *models.Commune, key ed25519.PrivateKey) error {
	seals, err := models.Seals(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	var public ed25519.PublicKey
	if key != nil {
		public = key.Public().(ed25519.PublicKey)
	} else if len(seals) > 0 {
		return fmt.Errorf("commune %s (id %d): its history's %d signed digests must be signed again in format %s: the migration needs AUDIT_SIGNING_KEY",
			c.Slug, c.ID, len(seals), relinkTo.Version)
	}
	sealed := map[int64][]int{}
	for i, s := range seals {
		sealed[s.Seq] = append(sealed[s.Seq], i)
	}
	var ids []int64
	var prevs, hashes, contents [][]byte
	prev, oldHead := models.ZeroHash, []byte(nil)
	r, err := audit.VerifyIn(ctx, tx, c, relinkFrom, public, func(e *models.Event) error {
		oldHead = e.Hash
		e.ContentHash = nil // an erased entry's: of what is left of its text
		h := models.Link(prev, relinkTo.EntryDigest(e))
		ids, prevs, hashes, contents = append(ids, e.ID), append(prevs, prev), append(hashes, h), append(contents, e.ContentHash)
		for _, i := range sealed[e.Seq] {
			seals[i].Hash = h
		}
		prev = h
		return nil
	})
	if err != nil {
		return err
	}
	if !r.OK() {
		return fmt.Errorf("commune %s (id %d): its history does not verify in format %s, so it is not relinked in %s: %s",
			c.Slug, c.ID, relinkFrom.Version, relinkTo.Version, r.Problem)
	}
	if len(ids) == 0 {
		return nil
	}
	for first := 0; first < len(ids); first += relinkBatch {
		end := min(first+relinkBatch, len(ids))
		if _, err := tx.Tx.ExecContext(ctx, `UPDATE demand_events AS e
			SET prev_hash = v.prev, hash = v.hash, content_hash = v.content,
				details = CASE WHEN e.text_erased THEN e.details - $5::text[] ELSE e.details END
			FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[]) AS v (id, prev, hash, content)
			WHERE e.commune_id = $6 AND e.id = v.id`,
			ids[first:end], prevs[first:end], hashes[first:end], contents[first:end], relinkTo.TextDetails, c.ID); err != nil {
			return err
		}
	}
	last := len(ids) - 1
	if _, err := tx.NewUpdate().Model(&models.ChainHead{CommuneID: c.ID, Seq: r.Head.Seq, PrevHash: prevs[last], Hash: hashes[last]}).
		Column("prev_hash", "hash").WherePK().Exec(ctx); err != nil {
		return err
	}
	for i := range seals {
		s := &seals[i]
		s.PublicKey, s.Signature = public, ed25519.Sign(key, audit.SealMessage(*s))
		if _, err := tx.NewUpdate().Model(s).Column("hash", "public_key", "signature").WherePK().Exec(ctx); err != nil {
			return err
		}
	}
	_, err = tx.NewRaw(`INSERT INTO chain_relinks (commune_id, from_version, to_version, seq, old_hash, new_hash, seals) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, relinkFrom.Version, relinkTo.Version, r.Head.Seq, oldHead, hashes[last], len(seals)).Exec(ctx)
	return err
}
