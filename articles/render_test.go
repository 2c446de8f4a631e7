package articles_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/articles"
)

// rendered parses what Render made of md.
func rendered(t *testing.T, md string) (*goquery.Document, string) {
	t.Helper()
	html := string(articles.Render(md))
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return doc, html
}

func TestMarkdownRendersItsFormatting(t *testing.T) {
	doc, _ := rendered(t, "# Collecte\n\nLe **mardi** et le *vendredi*.\n\n- [Calendrier](https://www.plassans.fr/calendrier)\n- Écrire à <mairie@plassans.fr>\n")
	if doc.Find("h1").Text() != "Collecte" || doc.Find("strong").Text() != "mardi" || doc.Find("em").Text() != "vendredi" {
		t.Fatalf("formatting lost: %s", articles.Render("# Collecte"))
	}
	if href, _ := doc.Find(`a:contains("Calendrier")`).Attr("href"); href != "https://www.plassans.fr/calendrier" {
		t.Fatalf("link: %q", href)
	}
}

func TestMarkdownScriptsRenderInert(t *testing.T) {
	for _, md := range []string{"<script>alert(1)</script>", "Texte\n\n<script src=\"https://mal.example/x.js\"></script>", "<SCRIPT>alert(1)</SCRIPT> après"} {
		doc, html := rendered(t, md)
		if doc.Find("script").Length() > 0 || strings.Contains(strings.ToLower(html), "<script") {
			t.Errorf("%q rendered a script: %s", md, html)
		}
	}
}

func TestMarkdownEventHandlersRenderInert(t *testing.T) {
	for _, md := range []string{`<img src="x.png" onerror="alert(1)">`, `![image](x.png "titre\" onerror=\"alert(1)")`, `<a href="https://exemple.fr" onclick="alert(1)">lien</a>`, "<p onmouseover=alert(1)>survol</p>"} {
		doc, html := rendered(t, md)
		doc.Find("*").Each(func(_ int, s *goquery.Selection) {
			for _, a := range s.Nodes[0].Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("%q kept the handler %s: %s", md, a.Key, html)
				}
			}
		})
	}
}

func TestMarkdownJavascriptLinksRenderInert(t *testing.T) {
	for _, md := range []string{"[cliquez](javascript:alert(1))", "[cliquez](JaVaScRiPt:alert(1))", "[cliquez](  javascript:alert(1))", "<javascript:alert(1)>",
		"[x](vbscript:msgbox)", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", `<a href="javascript:alert(1)">x</a>`} {
		doc, html := rendered(t, md)
		doc.Find("[href], [src]").Each(func(_ int, s *goquery.Selection) {
			for _, attr := range []string{"href", "src"} {
				v, _ := s.Attr(attr)
				low := strings.ToLower(strings.TrimSpace(v))
				if strings.HasPrefix(low, "javascript:") || strings.HasPrefix(low, "vbscript:") || strings.HasPrefix(low, "data:") {
					t.Errorf("%q kept %s=%q: %s", md, attr, v, html)
				}
			}
		})
	}
}

func TestMarkdownRawHTMLRendersInert(t *testing.T) {
	for _, md := range []string{`<iframe src="https://mal.example"></iframe>`, `<form action="https://mal.example"><input name="mdp"></form>`,
		`<style>body{display:none}</style>`, `<object data="x.swf"></object>`, `<div style="position:fixed;inset:0">voile</div>`} {
		doc, html := rendered(t, md)
		if n := doc.Find("iframe, form, input, style, object, embed, [style]").Length(); n > 0 {
			t.Errorf("%q rendered raw HTML: %s", md, html)
		}
	}
}
