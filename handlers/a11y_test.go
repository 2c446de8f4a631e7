package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// recorder is a testing.TB that keeps what assertAccessible reports.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { r.failures = append(r.failures, fmt.Sprint(args...)) }

// The checker itself must catch each kind of problem.
func TestAssertAccessibleCatchesProblems(t *testing.T) {
	page := func(lang, body string) *goquery.Document {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(`<!DOCTYPE html><html lang="` + lang + `"><head><title>T</title></head><body>
<a class="skip-link" href="#contenu">Aller au contenu</a><main id="contenu">` + body + `</main></body></html>`))
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	good := `<h1>Titre</h1><form><label for="a">A</label><input id="a" name="a"><button>Envoyer</button></form>`
	r := &recorder{TB: t}
	assertAccessible(r, page("fr", good))
	if len(r.failures) != 0 {
		t.Fatalf("a correct page fails: %v", r.failures)
	}
	cases := map[string]struct{ lang, body, want string }{
		"language":        {"en", good, "html lang"},
		"two h1":          {"fr", good + "<h1>Autre</h1>", "2 h1"},
		"no label":        {"fr", `<h1>T</h1><input id="b" name="b">`, `name="b" id="b" has no label`},
		"empty label":     {"fr", `<h1>T</h1><label for="b"> </label><select id="b" name="b"></select>`, "has no label"},
		"positive tab":    {"fr", good + `<a href="/" tabindex="2">x</a>`, `tabindex="2"`},
		"image":           {"fr", good + `<img src="x.png">`, "without alt"},
		"empty button":    {"fr", good + `<button></button>`, "button without text"},
		"no summary":      {"fr", `<h1>T</h1><label for="c">C</label><input id="c" aria-invalid="true" aria-describedby="c-erreur"><p id="c-erreur" class="field-error">x</p>`, "no error summary"},
		"dangling link":   {"fr", good + `<div class="error-summary"><a href="#nulle">x</a></div>`, "no such element"},
		"not invalid":     {"fr", good + `<div class="error-summary"><a href="#a">x</a></div>`, "not aria-invalid"},
		"duplicate id":    {"fr", good + `<p id="a"></p>`, `id "a" used 2 times`},
		"describedby":     {"fr", `<h1>T</h1><label for="d">D</label><input id="d" aria-describedby="d-aide">`, "no element #d-aide"},
		"message missing": {"fr", `<h1>T</h1><div class="error-summary"><a href="#e">x</a></div><label for="e">E</label><input id="e" aria-invalid="true">`, "not in aria-describedby"},
	}
	for name, tc := range cases {
		r := &recorder{TB: t}
		assertAccessible(r, page(tc.lang, tc.body))
		if !strings.Contains(strings.Join(r.failures, "\n"), tc.want) {
			t.Errorf("%s: want a failure saying %q, got %v", name, tc.want, r.failures)
		}
	}
}
