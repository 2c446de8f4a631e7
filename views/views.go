// Package views holds the HTML templates and static files, embedded in the
// binary, and renders pages.
package views

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

//go:embed layouts partials pages
var templateFS embed.FS

const errorPage = "error"

// fallbackHTML is served when even the error page cannot be rendered.
const fallbackHTML = `<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Erreur interne</title></head>
<body><main><h1>Erreur interne</h1><p>Une erreur inattendue est survenue. Veuillez réessayer dans quelques instants.</p><p><a href="/">Revenir à l'accueil</a></p></main></body></html>
`

// Renderer holds one parsed template set per page.
type Renderer struct {
	pages map[string]*template.Template
}

// New parses every page once: each page gets its own set made of
// layouts/base.html, partials/*.html and pages/<name>.html, so that every page
// can define "title" and "content" without clashing with the others.
func New() (*Renderer, error) {
	layout, err := fs.ReadFile(templateFS, "layouts/base.html")
	if err != nil {
		return nil, fmt.Errorf("views: %w", err)
	}
	common, err := template.New("layouts/base.html").Funcs(funcs()).Parse(string(layout))
	if err != nil {
		return nil, fmt.Errorf("views: %w", err)
	}
	partials, err := fs.Glob(templateFS, "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("views: %w", err)
	}
	for _, path := range partials {
		if err := parseFile(common, path); err != nil {
			return nil, err
		}
	}

	r := &Renderer{pages: map[string]*template.Template{}}
	err = fs.WalkDir(templateFS, "pages", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		set, err := common.Clone()
		if err != nil {
			return fmt.Errorf("views: %w", err)
		}
		if err := parseFile(set, path); err != nil {
			return err
		}
		r.pages[strings.TrimSuffix(strings.TrimPrefix(path, "pages/"), ".html")] = set
		return nil
	})
	if err != nil {
		return nil, err
	}
	if r.pages[errorPage] == nil {
		return nil, fmt.Errorf("views: missing pages/%s.html", errorPage)
	}
	return r, nil
}

// parseFile adds the file to set under its full path, so that files with the
// same base name in different folders do not replace each other.
func parseFile(set *template.Template, path string) error {
	b, err := fs.ReadFile(templateFS, path)
	if err != nil {
		return fmt.Errorf("views: %w", err)
	}
	if _, err := set.New(path).Parse(string(b)); err != nil {
		return fmt.Errorf("views: %w", err)
	}
	return nil
}

// Render executes page name (e.g. "citizen/home") with data, usually a Page.
// The page is rendered into a buffer first: a template error is logged and
// becomes a complete 500 page instead of half a page.
func (r *Renderer) Render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := r.execute(&buf, name, data); err != nil {
		slog.Error("views: render page", "page", name, "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		if err := r.execute(&buf, errorPage, internalError(data)); err != nil {
			slog.Error("views: render error page", "err", err)
			buf.Reset()
			buf.WriteString(fallbackHTML)
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// Fragment renders one partial alone (e.g. "file_widget"), for htmx to swap
// into the page. Like Render, a template error becomes a clean 500.
func (r *Renderer) Fragment(w http.ResponseWriter, status int, partial string, data any) {
	var buf bytes.Buffer
	if err := r.pages[errorPage].ExecuteTemplate(&buf, partial, data); err != nil {
		slog.Error("views: render fragment", "partial", partial, "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`<p role="alert">Une erreur inattendue est survenue. Rechargez la page.</p>`)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func (r *Renderer) execute(buf *bytes.Buffer, name string, data any) error {
	set, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("unknown page %q", name)
	}
	if p, ok := asPage(data); ok && len(p.Errors) > 0 {
		// The summary comes before the form: where each field comes is
		// known once the content is rendered.
		var content bytes.Buffer
		if len(p.Errors) > 1 {
			if err := set.ExecuteTemplate(&content, "content", p); err != nil {
				return err
			}
		}
		p.Summary = summary(p.Errors, content.String())
		data = p
	}
	return set.ExecuteTemplate(buf, "layouts/base.html", data)
}

// asPage is a copy of data when it is a page.
func asPage(data any) (Page, bool) {
	switch d := data.(type) {
	case Page:
		return d, true
	case *Page:
		if d != nil {
			return *d, true
		}
	}
	return Page{}, false
}

// summary orders a page's errors as their fields come in its rendered
// content: the summary is read first, and its first link must lead to the
// first field to fix, not to the first name in alphabetical order (an
// editor's form names its fields as the admin likes). An error whose id the
// content lacks comes last; ties go by id.
func summary(errs FormErrors, content string) []ErrorItem {
	items := make([]ErrorItem, 0, len(errs))
	pos := make(map[string]int, len(errs))
	for id, msg := range errs {
		items = append(items, ErrorItem{ID: id, Message: msg})
		pos[id] = len(content)
		if i := strings.Index(content, `id="`+template.HTMLEscapeString(id)+`"`); i >= 0 {
			pos[id] = i
		}
	}
	slices.SortFunc(items, func(a, b ErrorItem) int {
		return cmp.Or(cmp.Compare(pos[a.ID], pos[b.ID]), cmp.Compare(a.ID, b.ID))
	})
	return items
}

// internalError builds the 500 page, keeping the commune so the person still
// sees its branding and how to reach it.
func internalError(data any) Page {
	p := Page{
		Title: "Erreur interne",
		Data: ErrorData{
			Title:   "Erreur interne",
			Message: "Une erreur inattendue est survenue. Veuillez réessayer dans quelques instants.",
		},
	}
	switch d := data.(type) {
	case Page:
		p.Commune = d.Commune
	case *Page:
		if d != nil {
			p.Commune = d.Commune
		}
	}
	return p
}
