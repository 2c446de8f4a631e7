package models

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
)

// Crockford's base32 alphabet: no I, L, O or U, so a code read aloud on the
// phone or copied by hand is not mistaken.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func randomCode(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// newReference is a demand's public reference: the year and 40 random bits,
// neither sequential nor guessable (e.g. 2026-7KQ3-M9XD).
func newReference(now time.Time) string {
	c := randomCode(8)
	return fmt.Sprintf("%d-%s-%s", now.Year(), c[:4], c[4:])
}

// NewDraft creates a draft demand for a citizen, with a fresh reference and
// tracking code (retried on the rare collision).
func NewDraft(ctx context.Context, db bun.IDB, communeID, procedureID int64, email string) (*Demand, error) {
	for attempt := 0; ; attempt++ {
		d := &Demand{
			CommuneID: communeID, ProcedureID: procedureID, State: "draft", Version: 1,
			CitizenEmail: strings.TrimSpace(email), Data: map[string]any{}, CorrectionFields: []string{},
			Reference: newReference(time.Now()), TrackingCode: randomCode(8),
		}
		_, err := db.NewInsert().Model(d).Returning("id, created_at, updated_at").Exec(ctx)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" && attempt < 5 {
			continue
		}
		return d, err
	}
}

// NormalizeCode turns what a person typed (spaces, dashes, lower case,
// O for 0…) into a stored reference or tracking code form.
func NormalizeCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.NewReplacer("O", "0", "I", "1", "L", "1", " ", "").Replace(s)
}
