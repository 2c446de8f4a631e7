// Package audit proves the history untouched: it walks each commune's hash
// chain (models/chain.go) and names the first entry altered, removed or
// inserted out of order, and it signs each day a digest of every chain's
// head (Sealer), which later verifications hold the chain to.
package audit

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/sync/errgroup"

	"guichet/history"
	"guichet/models"
)

// Paris is the time zone of dates shown to people.
var Paris = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// Result is a commune's chain as a verification found it.
type Result struct {
	Commune models.Commune
	Entries int64 // read
	Seals   int   // signed digests checked
	Head    models.ChainHead
	// Problem is the first thing found wrong, in French, naming the entry;
	// empty: the chain verifies.
	Problem string
	// EntryID is the entry Problem names (0: none, e.g. one removed at the end).
	EntryID int64
}

// OK tells whether the chain verified.
func (r Result) OK() bool { return r.Problem == "" }

// Verify checks every chain (communeID 0) or one commune's, each in a
// repeatable-read snapshot, several communes at once; public is the key the
// signed digests must verify with.
func Verify(ctx context.Context, db *bun.DB, communeID int64, public ed25519.PublicKey) ([]Result, error) {
	q := db.NewSelect().Model((*models.Commune)(nil)).Order("id")
	if communeID != 0 {
		q.Where("id = ?", communeID)
	}
	var communes []models.Commune
	if err := q.Scan(ctx, &communes); err != nil {
		return nil, err
	}
	out := make([]Result, len(communes))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range communes {
		g.Go(func() error {
			r, err := VerifyCommune(ctx, db, &communes[i], public)
			out[i] = r
			return err
		})
	}
	return out, g.Wait()
}

// VerifyCommune checks a commune's chain in one snapshot: every entry's hash
// recomputed from its fields, places without gap nor duplicate, each entry
// linked to the one before, the head, and every stored signed digest (its
// signature and the chain's hash at its place).
func VerifyCommune(ctx context.Context, db *bun.DB, c *models.Commune, public ed25519.PublicKey) (Result, error) {
	r := Result{Commune: *c}
	err := db.RunInTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		var err error
		r, err = VerifyIn(ctx, tx, c, models.Chain, public, nil)
		return err
	})
	return r, err
}

// VerifyIn is VerifyCommune in the caller's transaction, for a chain
// written in format f; each, when not nil, is called with every entry found
// sound, in order (the entry is reused from call to call): how the
// migration to a new format relinks only a chain that verified in the old.
func VerifyIn(ctx context.Context, tx bun.Tx, c *models.Commune, f models.ChainFormat, public ed25519.PublicKey, each func(*models.Event) error) (Result, error) {
	r := Result{Commune: *c}
	return r, verifyIn(ctx, tx, c, f, public, each, &r)
}

func verifyIn(ctx context.Context, tx bun.Tx, c *models.Commune, f models.ChainFormat, public ed25519.PublicKey, each func(*models.Event) error, r *Result) error {
	err := tx.NewSelect().Model(&r.Head).Where("commune_id = ?", c.ID).Scan(ctx)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	seals, err := models.Seals(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	r.Seals = len(seals)
	bySeq := map[int64][]models.Seal{}
	for _, s := range seals {
		if !ed25519.Verify(public, SealMessage(s), s.Signature) {
			r.Problem = fmt.Sprintf("le condensé signé du %s (entrée n° %d) n'a pas une signature valide pour la clé publique configurée : il a été modifié ou signé par une autre clé.", day(s.Day), s.Seq)
			return nil
		}
		bySeq[s.Seq] = append(bySeq[s.Seq], s)
	}

	var last *models.Event
	lastHash, beforeLast := models.ZeroHash, []byte(nil)
	var stop *problem
	errStop := errors.New("stop")
	err = models.ChainEntries(ctx, tx, c.ID, func(e *models.Event) error {
		r.Entries++
		p := check(f, e, last, lastHash, beforeLast)
		if p == nil {
			for _, s := range bySeq[e.Seq] {
				if !models.SameHash(s.Hash, e.Hash) {
					p = &problem{e, fmt.Sprintf("ne correspond plus au condensé signé le %s : l'historique jusqu'à elle a été réécrit", day(s.Day))}
				}
			}
		}
		if p != nil {
			stop = p
			return errStop
		}
		if each != nil {
			if err := each(e); err != nil {
				return err
			}
		}
		cp := *e
		last, beforeLast, lastHash = &cp, lastHash, e.Hash
		return nil
	})
	if err != nil && err != errStop {
		return err
	}
	if stop != nil {
		r.Problem, r.EntryID = describe(ctx, tx, stop), stop.entry.ID
		return nil
	}
	var lastSeq int64
	if last != nil {
		lastSeq = last.Seq
	}
	switch {
	case r.Head.Seq > lastSeq:
		r.Problem = fmt.Sprintf("la tête de la chaîne est à l'entrée n° %d, la dernière entrée trouvée est la n° %d : les entrées qui la suivaient ont été supprimées.", r.Head.Seq, lastSeq)
	case r.Head.Seq < lastSeq || (last != nil && !models.SameHash(r.Head.Hash, last.Hash)):
		r.Problem = fmt.Sprintf("la tête de la chaîne (entrée n° %d) ne correspond pas à sa dernière entrée (n° %d) : elle a été modifiée.", r.Head.Seq, lastSeq)
	default:
		for _, s := range seals {
			if s.Seq > lastSeq {
				r.Problem = fmt.Sprintf("le condensé signé le %s va jusqu'à l'entrée n° %d, la dernière entrée trouvée est la n° %d : des entrées ont été supprimées.", day(s.Day), s.Seq, lastSeq)
				break
			}
		}
	}
	return nil
}

type problem struct {
	entry *models.Event
	what  string
}

// check is what is wrong with entry e of a chain in format f, the entry
// last (nil for the first) having been read before it with hash lastHash,
// and the one before that with beforeLast.
func check(f models.ChainFormat, e, last *models.Event, lastHash, beforeLast []byte) *problem {
	var lastSeq int64
	if last != nil {
		lastSeq = last.Seq
	}
	switch {
	case e.Seq == 0 || e.Hash == nil || e.PrevHash == nil || e.ContentHash == nil:
		return &problem{e, "n'a pas de place dans la chaîne : elle a été insérée sans passer par l'historique"}
	case e.Seq == lastSeq:
		return &problem{e, fmt.Sprintf("a la même place (n° %d) qu'une autre entrée : elle a été insérée", e.Seq)}
	case e.Seq > lastSeq+1:
		if e.Seq == lastSeq+2 {
			return &problem{e, fmt.Sprintf("suit une entrée supprimée : l'entrée n° %d manque", lastSeq+1)}
		}
		return &problem{e, fmt.Sprintf("suit des entrées supprimées : les entrées n° %d à %d manquent", lastSeq+1, e.Seq-1)}
	}
	if e.TextErased {
		if !f.TextIsErased(e) {
			return &problem{e, "a été modifiée : elle est marquée effacée mais garde un texte"}
		}
	} else if !models.SameHash(f.ContentHash(e), e.ContentHash) {
		return &problem{e, "a été modifiée : son texte (message, nom de l'usager, valeurs ou notes saisies) n'est plus celui qui a été enregistré"}
	}
	if !models.SameHash(models.Link(e.PrevHash, f.EntryDigest(e)), e.Hash) {
		return &problem{e, "a été modifiée : son empreinte recalculée diffère de celle enregistrée"}
	}
	if !models.SameHash(e.PrevHash, lastHash) {
		if last != nil && beforeLast != nil && models.SameHash(e.PrevHash, beforeLast) {
			return &problem{last, fmt.Sprintf("a été insérée : l'entrée n° %d qui la suit s'enchaîne à celle qui la précède", e.Seq)}
		}
		return &problem{e, "n'est pas à sa place : elle ne s'enchaîne pas à l'entrée qui la précède (ordre modifié ou entrée insérée)"}
	}
	return nil
}

// describe words a problem naming its entry: place, id, demand, date, kind.
func describe(ctx context.Context, db bun.IDB, p *problem) string {
	e := p.entry
	ref := fmt.Sprintf("n° %d", e.DemandID)
	if d, err := models.DemandByID(ctx, db, e.CommuneID, e.DemandID); err == nil {
		ref = d.Reference
	}
	kind := e.Kind
	if history.Registered(e.Kind) {
		kind = fmt.Sprintf("%s, « %s »", e.Kind, history.AgentTitle(*e))
	}
	return fmt.Sprintf("l'entrée n° %d (id %d, demande %s, %s, %s) %s.", e.Seq, e.ID, ref,
		e.At.In(Paris).Format("02/01/2006 15:04:05"), kind, p.what)
}

func day(t time.Time) string { return t.Format("02/01/2006") }
