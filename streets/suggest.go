package streets

import (
	"context"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/models"
)

// Bounds of a suggestion request.
const (
	MaxQuery    = 100 // characters typed
	Suggestions = 10
)

// Suggestion is one street offered to an address field.
type Suggestion struct {
	Value string `json:"value"` // what the field takes: the number typed, if any, and the name
	Label string `json:"label"` // beside it: the postcodes
}

// houseNumber is the number a citizen types before the street: "12", "12 bis", "12, ".
var houseNumber = regexp.MustCompile(`(?i)^\s*(\d{1,5}(?:\s*(?:bis|ter|quater)\b)?)[\s,]+`)

// Suggest offers the commune's streets for what a citizen typed in an
// address field: each word typed begins a word of the street's name,
// accents and case aside, best first, at most Suggestions. A house number
// typed first is kept in front of each name. Too long a text is an
// apperr.Invalid error.
func Suggest(ctx context.Context, db bun.IDB, communeID int64, typed string) ([]Suggestion, error) {
	if utf8.RuneCountInString(typed) > MaxQuery {
		return nil, &apperr.Error{Code: apperr.Invalid, Message: "La recherche de voie est trop longue : 100 caractères au plus."}
	}
	number, words := Terms(typed)
	if len(words) == 0 {
		return []Suggestion{}, nil
	}
	ss, err := models.SuggestStreets(ctx, db, communeID, words, Suggestions)
	if err != nil {
		return nil, err
	}
	out := make([]Suggestion, len(ss))
	for i, s := range ss {
		v := s.Name
		if number != "" {
			v = number + " " + v
		}
		label := strings.Join(s.Postcodes, ", ")
		// A browser shows the options of a datalist that contain what is
		// typed, accents included: give it the name without accents too.
		if !browserShows(v, typed) {
			label = strings.TrimPrefix(label+" · "+Unaccented(v), " · ")
		}
		out[i] = Suggestion{Value: v, Label: label}
	}
	return out, nil
}

// Terms splits what a citizen typed into the house number typed first, if
// any ("12", "12 bis"), and the folded words to look streets up by.
func Terms(typed string) (number string, words []string) {
	rest := typed
	if m := houseNumber.FindStringSubmatch(typed); m != nil {
		number, rest = strings.Join(strings.Fields(m[1]), " "), typed[len(m[0]):]
	}
	return number, strings.Fields(Fold(rest))
}

// browserShows tells whether browsers show an option reading option when
// typed is typed: they look for it, case and spaces aside.
func browserShows(option, typed string) bool {
	squeeze := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	return strings.Contains(squeeze(option), squeeze(typed))
}
