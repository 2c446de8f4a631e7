package handlers_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// assertAccessible checks the automatable part of RGAA on a rendered page:
// declared language, one h1, a label for every control, an error summary
// linking to existing fields marked aria-invalid, no positive tabindex,
// alternative text on images, a name on every button and link, unique ids,
// and aria-describedby pointing at existing elements.
func assertAccessible(t testing.TB, doc *goquery.Document) {
	t.Helper()
	if doc == nil {
		t.Fatal("accessibility: no HTML document")
	}
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, "- "+strings.TrimSpace(fmt.Sprintf(format, args...)))
	}
	if lang, _ := doc.Find("html").Attr("lang"); lang != "fr" {
		add("html lang=%q, want fr", lang)
	}
	if n := doc.Find("h1").Length(); n != 1 {
		add("%d h1, want exactly one", n)
	}
	if strings.TrimSpace(doc.Find("title").Text()) == "" {
		add("empty <title>")
	}

	ids := map[string]int{}
	doc.Find("[id]").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		ids[id]++
	})
	for id, n := range ids {
		if n > 1 {
			add("id %q used %d times", id, n)
		}
	}
	exists := func(id string) bool { return ids[id] > 0 }

	doc.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		typ := strings.ToLower(s.AttrOr("type", "text"))
		if typ == "hidden" || typ == "submit" || typ == "button" || typ == "reset" || typ == "image" {
			return
		}
		if strings.TrimSpace(s.AttrOr("aria-label", "")) != "" || s.AttrOr("aria-labelledby", "") != "" {
			return
		}
		id, _ := s.Attr("id")
		label := doc.Find(`label[for="` + id + `"]`)
		if id == "" || label.Length() == 0 || strings.TrimSpace(label.Text()) == "" {
			add("%s name=%q id=%q has no label", goquery.NodeName(s), s.AttrOr("name", ""), id)
		}
	})

	doc.Find("[aria-describedby]").Each(func(_ int, s *goquery.Selection) {
		for _, id := range strings.Fields(s.AttrOr("aria-describedby", "")) {
			if !exists(id) {
				add("aria-describedby=%q on %s: no element #%s", s.AttrOr("aria-describedby", ""), s.AttrOr("id", goquery.NodeName(s)), id)
			}
		}
	})

	summary := doc.Find(".error-summary")
	invalid := doc.Find(`[aria-invalid="true"]`)
	fieldErrors := doc.Find(".field-error:not([hidden])")
	if (invalid.Length() > 0 || fieldErrors.Length() > 0) && summary.Length() == 0 {
		add("fields in error but no error summary")
	}
	summary.Find("a").Each(func(_ int, a *goquery.Selection) {
		href := a.AttrOr("href", "")
		id, ok := strings.CutPrefix(href, "#")
		if !ok || !exists(id) {
			add("error summary links to %q: no such element", href)
			return
		}
		if target := doc.Find("#" + id); target.AttrOr("aria-invalid", "") != "true" {
			add("#%s is named in the error summary but not aria-invalid", id)
		}
	})
	invalid.Each(func(_ int, s *goquery.Selection) {
		if d := s.AttrOr("aria-describedby", ""); !strings.Contains(d, "erreur") && s.Closest("fieldset[aria-describedby]").Length() == 0 {
			add("#%s is aria-invalid but its message is not in aria-describedby", s.AttrOr("id", ""))
		}
	})

	doc.Find("[tabindex]").Each(func(_ int, s *goquery.Selection) {
		if n, err := strconv.Atoi(s.AttrOr("tabindex", "")); err != nil || n > 0 {
			add("tabindex=%q on %s: only 0 or -1", s.AttrOr("tabindex", ""), goquery.NodeName(s))
		}
	})
	doc.Find("img").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("alt"); !ok {
			add("img %q without alt", s.AttrOr("src", ""))
		}
	})
	doc.Find("button, a[href]").Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Text()) == "" && s.AttrOr("aria-label", "") == "" && s.Find("img[alt]:not([alt=''])").Length() == 0 {
			add("%s without text (%s)", goquery.NodeName(s), s.AttrOr("href", s.AttrOr("formaction", "")))
		}
	})
	if doc.Find(`a.skip-link[href="#contenu"]`).Length() == 0 || doc.Find("main#contenu").Length() == 0 {
		add("no skip link to main#contenu")
	}
	if len(problems) > 0 {
		t.Errorf("accessibility problems on %q:\n%s", doc.Find("title").Text(), strings.Join(problems, "\n"))
	}
}
