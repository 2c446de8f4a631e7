package satisfaction

import (
	"regexp"
	"strings"
)

// Flag is a piece of personal data found in an experience, shown to the
// moderator (who decides: these detectors are simple and err both ways).
type Flag struct {
	Kind string // "Adresse e-mail", "Numéro de téléphone", "Nom"
	Text string
}

var (
	emailRe = regexp.MustCompile(`[\p{L}0-9._%+-]+@[\p{L}0-9.-]+\.[\p{L}]{2,}`)
	// French numbers: 0X then four pairs, or +33 / 0033 then nine digits,
	// with spaces, dots or dashes between the groups.
	phoneRe = regexp.MustCompile(`(?:\+33|0033|\b0)\s?[1-9](?:[\s.-]?\d{2}){4}\b`)
	// A civility followed by one or two capitalised words.
	nameRe = regexp.MustCompile(`\b(?:M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle|Me|Dr|Docteur)\s+(\p{Lu}[\p{L}'-]+(?:\s+\p{Lu}[\p{L}'-]+)?)`)
	// "je m'appelle X", "mon nom est X".
	selfRe = regexp.MustCompile(`(?i:je m'appelle|je me nomme|mon nom est)\s+(\p{Lu}[\p{L}'-]+(?:\s+\p{Lu}[\p{L}'-]+)?)`)
)

// PersonalData finds e-mail addresses, phone numbers and names in text,
// in the order of the text, each once.
func PersonalData(text string) []Flag {
	type hit struct {
		at   int
		flag Flag
	}
	var hits []hit
	seen := map[string]bool{}
	add := func(kind string, locs [][]int, group int) {
		for _, l := range locs {
			s := strings.TrimSpace(text[l[2*group]:l[2*group+1]])
			if !seen[s] {
				seen[s] = true
				hits = append(hits, hit{l[0], Flag{kind, s}})
			}
		}
	}
	add("Adresse e-mail", emailRe.FindAllStringSubmatchIndex(text, -1), 0)
	add("Numéro de téléphone", phoneRe.FindAllStringSubmatchIndex(text, -1), 0)
	add("Nom", nameRe.FindAllStringSubmatchIndex(text, -1), 1)
	add("Nom", selfRe.FindAllStringSubmatchIndex(text, -1), 1)
	for i := 1; i < len(hits); i++ { // few hits: insertion sort by place
		for j := i; j > 0 && hits[j].at < hits[j-1].at; j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
	out := make([]Flag, len(hits))
	for i, h := range hits {
		out[i] = h.flag
	}
	return out
}
