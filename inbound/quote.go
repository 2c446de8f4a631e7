package inbound

import (
	"regexp"
	"strings"
)

// Where a mail's new text ends: a quote's attribution, the separators mail
// clients put before the message answered, a signature.
var (
	attributionRe = regexp.MustCompile(`(?i)(a écrit|wrote|schrieb|escribió)\s*:\s*$`)
	separatorRe   = regexp.MustCompile(`(?i)^\s*(-{2,}\s*(original message|message d'origine|message original|forwarded message|message transféré)\s*-{2,}|_{10,}|-- ?|envoyé de mon .*|envoyé depuis .*|sent from my .*|get outlook for .*|obtenir outlook pour .*|début du message réexpédié\s*:|begin forwarded message\s*:)\s*$`)
	// Outlook's header block of the message answered: "De : …" then "Envoyé : …".
	outlookFromRe = regexp.MustCompile(`(?i)^\s*\*?(de|from)\s*:\*?\s`)
	outlookSentRe = regexp.MustCompile(`(?i)^\s*\*?(envoyé|sent|date)\s*:\*?\s`)
)

// split parts a mail's text into what is new and what is folded (the
// quoted history and the signature), both kept. A forward's own text is
// what the forwarder wrote; the forwarded mail is folded.
func split(text string) (fresh, folded string) {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	cut := len(lines)
	for i, l := range lines {
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1]
		}
		if attributionRe.MatchString(l) || (!strings.HasPrefix(l, ">") && attributionRe.MatchString(l+" "+next) && strings.HasPrefix(strings.TrimSpace(lines[min(i+2, len(lines)-1)]), ">")) ||
			separatorRe.MatchString(l) || (outlookFromRe.MatchString(l) && outlookSentRe.MatchString(next)) {
			cut = i
			break
		}
	}
	var keep, fold []string
	for _, l := range lines[:cut] {
		if strings.HasPrefix(l, ">") {
			fold = append(fold, l)
		} else {
			keep = append(keep, l)
		}
	}
	fresh = strings.TrimSpace(strings.Join(keep, "\n"))
	rest := lines[cut:]
	if fresh == "" && cut < len(lines) {
		// Bottom-posted: the answer follows the quote; what is not quoted,
		// and not the attribution, is new until the signature.
		fold = nil
		var after []string
		for i, l := range rest {
			if i > 0 && separatorRe.MatchString(l) {
				fold = append(fold, rest[i:]...)
				break
			}
			switch {
			case strings.HasPrefix(l, ">") || (i == 0 && attributionRe.MatchString(l)) || attributionRe.MatchString(l+" "):
				fold = append(fold, l)
			default:
				after = append(after, l)
			}
		}
		if f := strings.TrimSpace(strings.Join(after, "\n")); f != "" {
			return f, strings.TrimSpace(strings.Join(fold, "\n"))
		}
		return strings.TrimSpace(text), ""
	}
	fold = append(fold, rest...)
	return fresh, strings.TrimSpace(strings.Join(fold, "\n"))
}
