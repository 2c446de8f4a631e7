package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"guichet/models"
)

// SealEvery is how often the sealing job looks for communes not sealed
// today: the first run of each day (Paris) seals them, the others find
// nothing to do.
const SealEvery = time.Hour

// Sealer is the daily job that, for each commune whose history has
// entries, verifies the whole chain and signs a digest of its head (commune,
// place, hash, day), kept in history_seals: a later verification holds the
// chain to it, and the supervisor is shown the last day it verified.
type Sealer struct {
	DB  *bun.DB
	Key ed25519.PrivateKey
}

// RunOnce seals today's chain heads not sealed yet; it tells how many.
func (s *Sealer) RunOnce(ctx context.Context, now time.Time) (int, error) {
	today := Day(now)
	var communes []models.Commune
	err := s.DB.NewSelect().Model(&communes).
		Where("id IN (SELECT commune_id FROM chain_heads)").
		Where("id NOT IN (SELECT commune_id FROM history_seals WHERE day = ?)", today).
		Order("id").Scan(ctx)
	if err != nil {
		return 0, err
	}
	public := s.Key.Public().(ed25519.PublicKey)
	n := 0
	for i := range communes {
		r, err := VerifyCommune(ctx, s.DB, &communes[i], public)
		if err != nil {
			return n, err
		}
		seal := &models.Seal{CommuneID: r.Commune.ID, Day: today, Seq: r.Head.Seq, Hash: r.Head.Hash,
			SignedAt: now, PublicKey: public, Verified: r.OK(), Problem: r.Problem}
		seal.Signature = ed25519.Sign(s.Key, SealMessage(*seal))
		added, err := models.AddSeal(ctx, s.DB, seal)
		if err != nil {
			return n, err
		}
		if added {
			n++
		}
	}
	return n, nil
}

// Day is the Paris day of t, as the date stored.
func Day(t time.Time) time.Time {
	y, m, d := t.In(Paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// SealMessage is what a seal's signature covers: the commune, the day, the
// head's place and hash.
func SealMessage(s models.Seal) []byte {
	return fmt.Appendf(nil, "guichet history seal 1\ncommune %d\nday %s\nseq %d\nhash %x\n",
		s.CommuneID, s.Day.Format(time.DateOnly), s.Seq, s.Hash)
}
