package routing

import (
	"fmt"
	"strconv"
	"strings"

	"guichet/models"
)

// DemandSubject is a demand as rules see it: the portal's channel, its
// procedure, its form's answers (each as texts, and all of them as the
// text the words are looked for in), the citizen's e-mail domain, and its
// motif with every motif above it in the commune's tree, and its tags.
func DemandSubject(d *models.Demand, motifs models.MotifTree, tags []string) Subject {
	s := Subject{Channel: ChannelWeb, ProcedureID: d.ProcedureID, Motifs: motifs.Lineage(d.MotifID), Values: make(map[string][]string, len(d.Data)), Tags: tags}
	var text []string
	for k, v := range d.Data {
		vs := texts(v)
		s.Values[k] = vs
		text = append(text, vs...)
	}
	s.Text = strings.Join(text, "\n")
	s.SenderDomain = domainOf(d.CitizenEmail)
	return s
}

func domainOf(email string) string {
	_, domain, _ := strings.Cut(email, "@")
	return domain
}

// texts is one answer as texts: a list's items, a period's two dates; a
// file's (a map of its attachment) none.
func texts(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case bool:
		if v {
			return []string{"oui"}
		}
		return []string{"non"}
	case float64:
		return []string{strconv.FormatFloat(v, 'f', -1, 64)}
	case []string:
		return v
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, texts(x)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, k := range []string{"debut", "fin"} {
			if x, ok := v[k].(string); ok {
				out = append(out, x)
			}
		}
		return out
	case nil:
		return nil
	}
	return []string{fmt.Sprint(v)}
}
