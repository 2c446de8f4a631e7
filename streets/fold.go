// Package streets is a commune's street names: their import from the Base
// Adresse Nationale's CSV export of one commune, and the suggestions an
// address field offers as a citizen types.
package streets

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ligatures are the letters NFD does not decompose.
var ligatures = strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae", "ß", "ss")

// Fold writes a name or what a citizen typed the way streets are matched:
// lower case, without accents, its words (letters and digits) separated by
// single spaces. "Rue de l'Église" and "rue de l eglise" fold alike.
func Fold(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range norm.NFD.String(ligatures.Replace(s)) {
		switch {
		case unicode.Is(unicode.Mn, r): // the accent NFD took apart
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if gap && b.Len() > 0 {
				b.WriteByte(' ')
			}
			gap = false
			b.WriteRune(unicode.ToLower(r))
		default:
			gap = true
		}
	}
	return b.String()
}

// Unaccented is s in lower case without its accents, punctuation and spaces
// kept: how a browser compares an option of a datalist with what is typed,
// once accents are set aside.
func Unaccented(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(ligatures.Replace(s)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
