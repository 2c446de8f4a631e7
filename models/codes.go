package models

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

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

// NormalizeCode turns what a person typed (spaces, dashes, lower case,
// O for 0…) into a stored reference or tracking code form.
func NormalizeCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.NewReplacer("O", "0", "I", "1", "L", "1", " ", "").Replace(s)
}

// FindByCode finds a demand by what a person typed of its reference or
// tracking code, dashes and spaces optional, and tells which it was
// (CodeReference or CodeTracking).
func FindByCode(ctx context.Context, db bun.IDB, communeID int64, typed string) (*Demand, string, error) {
	code := strings.NewReplacer("-", "", "–", "").Replace(NormalizeCode(typed))
	kind := CodeTracking
	switch {
	case len(code) == 12 && isDigits(code[:4]):
		code, kind = code[:4]+"-"+code[4:8]+"-"+code[8:], CodeReference
	case len(code) != 8:
		return nil, "", ErrNotFound
	}
	d, err := DemandByReference(ctx, db, communeID, code)
	return d, kind, err
}

// What a search may have been meant as (CodeKind).
const (
	CodeReference = "reference"
	CodeTracking  = "tracking"
)

// CodeKind tells whether what a person typed has the shape of a reference
// (2026-7KQ3-M9XD) or of a tracking code (eight letters and digits, some of
// each, unlike a word), dashes and spaces optional; "" otherwise.
func CodeKind(typed string) string {
	raw := strings.NewReplacer("-", "", "–", "", " ", "").Replace(typed)
	letters, digits := 0, 0
	for _, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letters++
		default:
			return ""
		}
	}
	switch {
	case len(raw) == 12 && isDigits(raw[:4]):
		return CodeReference
	case len(raw) == 8 && letters > 0 && digits > 0:
		return CodeTracking
	}
	return ""
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
