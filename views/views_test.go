package views

import (
	"bytes"
	"guichet/workflow"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

var testCommune = &Commune{
	Slug:        "saint-martin",
	Name:        "Saint-Martin",
	AccentColor: "#1A2B3C",
	LogoURL:     "/logos/saint-martin.png",
	Address:     "1 place de la Mairie\n12345 Saint-Martin",
	Phone:       "01 23 45 67 89",
	Email:       "mairie@saint-martin.fr",
	Hours:       []string{"Du lundi au vendredi : 8 h 30 – 12 h"},
}

// MustRenderer parses the embedded templates or fails the test.
func MustRenderer(tb testing.TB) *Renderer {
	tb.Helper()
	r, err := New()
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return r
}

// MustRender renders a page and returns the recorded response.
func MustRender(tb testing.TB, r *Renderer, status int, name string, data any) *httptest.ResponseRecorder {
	tb.Helper()
	rec := httptest.NewRecorder()
	r.Render(rec, status, name, data)
	if got := rec.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
		tb.Fatalf("Content-Type = %q", got)
	}
	return rec
}

// MustParse parses HTML with goquery or fails the test.
func MustParse(tb testing.TB, html string) *goquery.Document {
	tb.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		tb.Fatalf("parse HTML: %v", err)
	}
	return doc
}

func MustAttr(tb testing.TB, s *goquery.Selection, name string) string {
	tb.Helper()
	if s.Length() != 1 {
		tb.Fatalf("want exactly one element for attribute %q, got %d", name, s.Length())
	}
	v, ok := s.Attr(name)
	if !ok {
		tb.Fatalf("missing attribute %q", name)
	}
	return v
}

func TestHomePage(t *testing.T) {
	r := MustRenderer(t)
	rec := MustRender(t, r, http.StatusOK, "home", Page{
		Title: "Choisir sa commune",
		Data: HomeData{Communes: []Commune{
			{Slug: "saint-martin", Name: "Saint-Martin"},
			{Slug: "val-d-or", Name: "Val-d'Or"},
		}},
	})
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	doc := MustParse(t, rec.Body.String())

	if got := MustAttr(t, doc.Find("html"), "lang"); got != "fr" {
		t.Errorf(`lang = %q, want "fr"`, got)
	}
	if got := doc.Find("title").Text(); got != "Choisir sa commune" {
		t.Errorf("title = %q", got)
	}
	skip := doc.Find("a.skip-link")
	if MustAttr(t, skip, "href") != "#contenu" || skip.Text() != "Aller au contenu" {
		t.Errorf("skip link = %q -> %q", skip.Text(), skip.AttrOr("href", ""))
	}
	if doc.Find("main#contenu").Length() != 1 {
		t.Error("no main#contenu")
	}
	var links []string
	doc.Find("main a").Each(func(_ int, s *goquery.Selection) { links = append(links, s.AttrOr("href", "")) })
	if strings.Join(links, " ") != "/c/saint-martin/ /c/val-d-or/" {
		t.Errorf("commune links = %v", links)
	}
	if doc.Find("footer").Length() != 0 || doc.Find("nav").Length() != 0 {
		t.Error("footer or nav shown without a commune or a user")
	}
	for _, name := range []string{"app.css", "htmx.min.js"} {
		url, _ := assetURL(name)
		if !strings.Contains(rec.Body.String(), `"`+url+`"`) {
			t.Errorf("page does not reference %s", url)
		}
	}
	if _, ok := doc.Find(`script[src*="htmx.min.js"]`).Attr("defer"); !ok {
		t.Error("htmx is not deferred")
	}
}

func TestErrorPageWithCommune(t *testing.T) {
	r := MustRenderer(t)
	rec := MustRender(t, r, http.StatusNotFound, "error", &Page{
		Commune: testCommune,
		User:    &User{Name: "Anne Agent", Profile: "Agent d'accueil"},
		Nav: []NavItem{
			{Label: "Demandes", Href: "/c/saint-martin/agent/demandes", Current: true},
			{Label: "Indicateurs", Href: "/c/saint-martin/agent/indicateurs"},
		},
		Flash: &Flash{Kind: FlashError, Text: "Ce lien a expiré."},
		Data:  ErrorData{Title: "Page introuvable", Message: "Cette page n'existe pas."},
	})
	if rec.Code != http.StatusNotFound {
		t.Fatalf("status = %d, want 404", rec.Code)
	}
	doc := MustParse(t, rec.Body.String())

	if got := doc.Find("title").Text(); got != "Page introuvable — Saint-Martin" {
		t.Errorf("title = %q", got)
	}
	if got := doc.Find("main h1").Text(); got != "Page introuvable" {
		t.Errorf("h1 = %q", got)
	}
	if got := MustAttr(t, doc.Find("main p a"), "href"); got != "/c/saint-martin/" {
		t.Errorf("back link = %q", got)
	}
	if got := MustAttr(t, doc.Find("body"), "style"); got != "--accent: #1a2b3c; --on-accent: #ffffff" {
		t.Errorf("body style = %q", got)
	}
	if got := MustAttr(t, doc.Find(".brand"), "href"); got != "/c/saint-martin/" {
		t.Errorf("brand link = %q", got)
	}

	footer := doc.Find("footer")
	for _, want := range []string{"1 place de la Mairie\n12345 Saint-Martin", "Du lundi au vendredi : 8 h 30 – 12 h"} {
		if !strings.Contains(footer.Text(), want) {
			t.Errorf("footer lacks %q", want)
		}
	}
	tel := footer.Find(`a[href^="tel:"]`)
	if MustAttr(t, tel, "href") != "tel:0123456789" || tel.Text() != "01 23 45 67 89" {
		t.Errorf("phone link = %q -> %q", tel.Text(), tel.AttrOr("href", ""))
	}
	if got := MustAttr(t, footer.Find(`a[href^="mailto:"]`), "href"); got != "mailto:mairie@saint-martin.fr" {
		t.Errorf("e-mail link = %q", got)
	}

	nav := doc.Find("nav.site-nav")
	if got := MustAttr(t, nav.Find(`a[aria-current="page"]`), "href"); got != "/c/saint-martin/agent/demandes" {
		t.Errorf("current nav link = %q", got)
	}
	form := nav.Find("form")
	if MustAttr(t, form, "method") != "post" || MustAttr(t, form, "action") != "/gestion/deconnexion" {
		t.Error("sign-out is not a POST form to /gestion/deconnexion")
	}
	if got := MustAttr(t, doc.Find(".flash"), "role"); got != "alert" {
		t.Errorf("error flash role = %q, want alert", got)
	}
}

func TestFlashRole(t *testing.T) {
	r := MustRenderer(t)
	for _, tt := range []struct{ kind, class, role string }{
		{FlashSuccess, "flash--success", "status"},
		{FlashInfo, "flash--info", "status"},
		{FlashError, "flash--error", "alert"},
		{"bogus", "flash--info", "status"},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			rec := MustRender(t, r, http.StatusOK, "error", Page{Flash: &Flash{Kind: tt.kind, Text: "Message"}, Data: ErrorData{}})
			flash := MustParse(t, rec.Body.String()).Find(".flash")
			if !flash.HasClass(tt.class) || MustAttr(t, flash, "role") != tt.role {
				t.Errorf("flash class=%q role=%q", flash.AttrOr("class", ""), flash.AttrOr("role", ""))
			}
		})
	}
}

func TestInvalidAccentIsNotInjected(t *testing.T) {
	r := MustRenderer(t)
	for _, color := range []string{
		"",
		"red",
		"#12345",
		"#1234567",
		"#12345g",
		"#123456;} body { display: none",
		`#123456"><script>alert(1)</script>`,
		"expression(alert(1))",
	} {
		t.Run(color, func(t *testing.T) {
			c := *testCommune
			c.AccentColor = color
			rec := MustRender(t, r, http.StatusOK, "error", Page{Commune: &c, Data: ErrorData{Title: "Titre"}})
			doc := MustParse(t, rec.Body.String())
			if style, ok := doc.Find("body").Attr("style"); ok {
				t.Errorf("body style = %q, want none", style)
			}
			if strings.Contains(rec.Body.String(), "--accent") {
				t.Error("an accent colour was injected")
			}
			if n := doc.Find("script").Length(); n != 1 {
				t.Errorf("%d scripts, want htmx only", n)
			}
		})
	}
}

func TestAccentTextColour(t *testing.T) {
	for _, tt := range []struct{ color, want string }{
		{"#000080", "--accent: #000080; --on-accent: #ffffff"},
		{"#FFD700", "--accent: #ffd700; --on-accent: #000000"},
		{"#595959", "--accent: #595959; --on-accent: #ffffff"},
	} {
		if got := string(accentStyle(tt.color)); got != tt.want {
			t.Errorf("accentStyle(%q) = %q, want %q", tt.color, got, tt.want)
		}
	}
}

func TestErrorSummaryLinksToField(t *testing.T) {
	r := MustRenderer(t)
	page := Page{
		Commune: testCommune,
		Errors: FormErrors{
			"email":    "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
			"services": "Choisissez au moins un service.",
		},
		Form: map[string]any{"email": "pas-une-adresse", "services": []string{"voirie"}},
		Data: ErrorData{Title: "Votre demande"},
	}
	doc := MustParse(t, MustRender(t, r, http.StatusUnprocessableEntity, "error", page).Body.String())

	if got := doc.Find("title").Text(); !strings.HasPrefix(got, "Erreur\u00a0: Votre demande") {
		t.Errorf("title = %q, want it to start with Erreur", got)
	}
	summary := doc.Find(".error-summary")
	if MustAttr(t, summary, "role") != "alert" || MustAttr(t, summary, "tabindex") != "-1" {
		t.Error("error summary is not a focusable alert")
	}
	if _, ok := summary.Attr("autofocus"); !ok {
		t.Error("error summary is not focused on load")
	}
	if got := summary.Find("h2").Text(); got != "Le formulaire contient 2 erreurs" {
		t.Errorf("summary heading = %q", got)
	}
	var hrefs []string
	summary.Find("li a").Each(func(_ int, s *goquery.Selection) { hrefs = append(hrefs, s.AttrOr("href", "")) })
	if strings.Join(hrefs, " ") != "#email #services" {
		t.Fatalf("summary links = %v", hrefs)
	}

	// The targets exist once the fields are rendered with the same page.
	form := MustField(t, r, map[string]any{"page": page, "name": "email", "label": "Adresse e-mail", "type": "email", "required": true, "autocomplete": "email"}) +
		MustField(t, r, map[string]any{"page": page, "name": "services", "label": "Services", "type": "checkboxes", "options": []string{"voirie", "urbanisme"}})
	fields := MustParse(t, form)
	for _, href := range hrefs {
		target := fields.Find(href)
		if target.Length() != 1 || MustAttr(t, target, "aria-invalid") != "true" {
			t.Errorf("%s: no invalid field with that id", href)
		}
	}
}

// MustField renders the "field" partial with the given dict.
func MustField(tb testing.TB, r *Renderer, d map[string]any) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := r.pages["error"].ExecuteTemplate(&buf, "field", d); err != nil {
		tb.Fatalf("field: %v", err)
	}
	return buf.String()
}

func TestField(t *testing.T) {
	r := MustRenderer(t)
	options := []Option{{Value: "voirie", Label: "Voirie"}, {Value: "urbanisme", Label: "Urbanisme"}}
	page := &Page{
		Form:   map[string]any{"name": "Dupont", "born": time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC), "password": "secret", "service": "urbanisme", "services": []string{"voirie", "urbanisme"}},
		Errors: FormErrors{"name": "Saisissez votre nom."},
	}
	tests := []struct {
		name string
		dict map[string]any
		want map[string]string // selector -> "attr=value", or "text=value", or "" to only require it
		none []string          // selectors that must match nothing
	}{{
		name: "text with hint, error, required and autocomplete",
		dict: map[string]any{"page": page, "name": "name", "label": "Nom", "hint": "Tel qu'il figure sur vos papiers", "required": true, "autocomplete": "family-name"},
		want: map[string]string{
			`label[for="name"]`:  "text=Nom (obligatoire)",
			`input#name`:         "value=Dupont",
			`input[type="text"]`: "aria-describedby=name-aide name-erreur",
			`input[name="name"]`: "autocomplete=family-name",
			`[aria-required]`:    "aria-required=true",
			`[aria-invalid]`:     "aria-invalid=true",
			`p#name-aide.hint`:   "text=Tel qu'il figure sur vos papiers",
			`p#name-erreur`:      "text=Erreur\u00a0: Saisissez votre nom.",
			`div.field--error`:   "",
		},
		none: []string{"[required]"},
	}, {
		name: "date from a time.Time",
		dict: map[string]any{"page": page, "name": "born", "label": "Date de naissance", "type": "date"},
		want: map[string]string{`input#born[type="date"]`: "value=1980-05-17"},
		none: []string{"[aria-describedby]", "[aria-invalid]", ".required"},
	}, {
		name: "a date typed in error is kept, in a text input",
		dict: map[string]any{"name": "du", "label": "Du", "type": "date", "value": "3 août", "error": "Indiquez une date."},
		want: map[string]string{`input#du[type="text"]`: "value=3 août"},
	}, {
		name: "a time and a number typed in error are kept, in text inputs",
		dict: map[string]any{"name": "heure", "label": "Heure", "type": "time", "value": "midi"},
		want: map[string]string{`input#heure[type="text"]`: "value=midi"},
	}, {
		name: "a number keeps its type when it is one",
		dict: map[string]any{"name": "n", "label": "Nombre", "type": "number", "value": "-1.5e3"},
		want: map[string]string{`input#n[type="number"]`: "value=-1.5e3"},
	}, {
		name: "a number typed in words is kept, in a text input",
		dict: map[string]any{"name": "n", "label": "Nombre", "type": "number", "value": "douze"},
		want: map[string]string{`input#n[type="text"]`: "value=douze"},
	}, {
		name: "explicit value and error win over the page",
		dict: map[string]any{"page": page, "name": "name", "id": "nom", "label": "Nom", "value": "Martin", "error": "Trop court."},
		want: map[string]string{`input#nom[name="name"]`: "value=Martin", `#nom-erreur`: "text=Erreur\u00a0: Trop court."},
	}, {
		name: "password is never refilled",
		dict: map[string]any{"page": page, "name": "password", "label": "Mot de passe", "type": "password", "autocomplete": "current-password"},
		want: map[string]string{`input#password[type="password"]`: ""},
		none: []string{"[value]"},
	}, {
		name: "textarea",
		dict: map[string]any{"name": "message", "label": "Message", "type": "textarea", "rows": 8, "value": "<b>Bonjour</b>"},
		want: map[string]string{`textarea#message[rows="8"]`: "text=<b>Bonjour</b>"},
	}, {
		name: "select",
		dict: map[string]any{"page": page, "name": "service", "label": "Service", "type": "select", "options": options},
		want: map[string]string{`select#service option[selected]`: "value=urbanisme", `select#service option:first-child`: "text=Choisir…"},
	}, {
		name: "radio",
		dict: map[string]any{"page": page, "name": "service", "label": "Service", "type": "radio", "options": options, "required": true, "hint": "Un seul"},
		want: map[string]string{
			`fieldset legend`:           "text=Service (obligatoire)",
			`fieldset`:                  "aria-describedby=service-aide",
			`input#service[type=radio]`: "value=voirie",
			`input#service-2[checked]`:  "value=urbanisme",
			`label[for="service-2"]`:    "text=Urbanisme",
		},
	}, {
		name: "checkboxes",
		dict: map[string]any{"page": page, "name": "services", "label": "Services", "type": "checkboxes", "options": options},
		want: map[string]string{`input#services[checked]`: "value=voirie", `input#services-2[checked]`: "value=urbanisme"},
	}, {
		name: "named by a correction request",
		dict: map[string]any{"page": page, "name": "services", "label": "Services", "type": "checkboxes", "options": options, "required": true, "toCorrect": true},
		want: map[string]string{`fieldset legend`: "text=Services (obligatoire) (à corriger)", `legend .to-correct`: ""},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := MustParse(t, MustField(t, r, tt.dict))
			for sel, want := range tt.want {
				s := doc.Find(sel)
				if s.Length() != 1 {
					t.Errorf("%s: %d matches, want 1", sel, s.Length())
					continue
				}
				if want == "" {
					continue
				}
				k, v, _ := strings.Cut(want, "=")
				got := s.Text()
				if k != "text" {
					got = s.AttrOr(k, "<none>")
				}
				if got != v {
					t.Errorf("%s: %s = %q, want %q", sel, k, got, v)
				}
			}
			for _, sel := range tt.none {
				if doc.Find(sel).Length() != 0 {
					t.Errorf("%s: unexpected match", sel)
				}
			}
		})
	}
}

func TestFieldRejectsBadDict(t *testing.T) {
	r := MustRenderer(t)
	for _, d := range []map[string]any{
		{"label": "Nom"},
		{"name": "nom"},
		{"name": "nom", "label": "Nom", "type": "color"},
		{"name": "nom", "label": "Nom", "requierd": true},
		{"name": "nom", "label": "Nom", "required": "oui"},
		{"name": "nom", "label": "Nom", "toCorrect": "oui"},
	} {
		var buf bytes.Buffer
		if err := r.pages["error"].ExecuteTemplate(&buf, "field", d); err == nil {
			t.Errorf("%v: no error", d)
		}
	}
}

func TestTemplateErrorIsClean500(t *testing.T) {
	r := MustRenderer(t)
	for _, tt := range []struct {
		name, page string
		data       any
	}{
		{"failing page", "home", Page{Commune: testCommune, Data: "not a HomeData"}},
		{"unknown page", "nope", &Page{Commune: testCommune}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := MustRender(t, r, http.StatusOK, tt.page, tt.data)
			if rec.Code != http.StatusInternalServerError {
				t.Fatalf("status = %d, want 500", rec.Code)
			}
			body := rec.Body.String()
			if n := strings.Count(body, "<html"); n != 1 {
				t.Fatalf("%d <html> in the body, want 1", n)
			}
			if strings.Contains(body, "Démarches en ligne") {
				t.Error("partial output of the failing page leaked")
			}
			doc := MustParse(t, body)
			if got := doc.Find("main h1").Text(); got != "Erreur interne" {
				t.Errorf("h1 = %q", got)
			}
			if doc.Find(`footer a[href="tel:0123456789"]`).Length() != 1 {
				t.Error("the commune's contact details are lost on the 500 page")
			}
			if got := rec.Header().Get("Content-Length"); got != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length = %s, body is %d bytes", got, len(body))
			}
		})
	}
}

func TestStatic(t *testing.T) {
	h := Static()
	css, err := assetURL("app.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		url, cache, ctype string
		status            int
	}{
		{css, "public, max-age=31536000, immutable", "text/css; charset=utf-8", http.StatusOK},
		{"/static/app.css", "no-cache", "text/css; charset=utf-8", http.StatusOK},
		{"/static/app.css?v=stale", "no-cache", "text/css; charset=utf-8", http.StatusOK},
		{"/static/htmx.min.js", "no-cache", "text/javascript; charset=utf-8", http.StatusOK},
		{"/static/", "", "", http.StatusNotFound},
		{"/static/nope.css", "", "", http.StatusNotFound},
	} {
		t.Run(tt.url, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.url, nil))
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
			if tt.status != http.StatusOK {
				return
			}
			if got := rec.Header().Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.cache)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tt.ctype)
			}
		})
	}

	// A revalidation with the ETag costs no body.
	req := httptest.NewRequest(http.MethodGet, "/static/app.css", nil)
	req.Header.Set("If-None-Match", `"`+assets["app.css"].hash+`"`)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("revalidation status = %d, want 304", rec.Code)
	}
}

func TestFormatDate(t *testing.T) {
	date, day := timeFormatter("02/01/2006 à 15:04"), timeFormatter("02/01/2006")
	winter := time.Date(2026, 11, 23, 13, 5, 0, 0, time.UTC)
	summer := time.Date(2026, 7, 14, 22, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		f    func(any) (string, error)
		in   any
		want string
	}{
		{date, winter, "23/11/2026 à 14:05"},
		{date, &summer, "15/07/2026 à 00:30"},
		{day, summer, "15/07/2026"},
		{date, time.Time{}, ""},
		{date, (*time.Time)(nil), ""},
	} {
		got, err := tt.f(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("format(%v) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := date("2026-11-23"); err == nil {
		t.Error("a string is formatted as a date")
	}
}

func TestHumanSize(t *testing.T) {
	for _, tt := range []struct {
		in   any
		want string
	}{
		{0, "0 o"},
		{1023, "1023 o"},
		{1024, "1 Ko"},
		{int64(1258291), "1,2 Mo"},
		{10 << 20, "10 Mo"},
		{int64(3) << 30, "3 Go"},
	} {
		got, err := humanSize(tt.in)
		if err != nil || got != strings.ReplaceAll(tt.want, " ", "\u00a0") {
			t.Errorf("humanSize(%v) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestStateLabel(t *testing.T) {
	r := MustRenderer(t)
	for _, state := range workflow.AllStates {
		label := workflow.StateLabel(state)
		var buf bytes.Buffer
		if err := r.pages["error"].ExecuteTemplate(&buf, "status_badge", map[string]any{"state": state}); err != nil {
			t.Fatal(err)
		}
		badge := MustParse(t, buf.String()).Find("span.badge")
		if !badge.HasClass("badge--"+state) || badge.Text() != label {
			t.Errorf("%s: badge %q, class %q", state, badge.Text(), badge.AttrOr("class", ""))
		}
	}
	if got := StateLabel("correction_requested"); got != "En attente de correction" {
		t.Errorf("StateLabel = %q", got)
	}
	if got := StateLabel("unknown"); got != "unknown" {
		t.Errorf("StateLabel(unknown) = %q", got)
	}
}

func TestPagination(t *testing.T) {
	r := MustRenderer(t)
	render := func(page, pages int) *goquery.Document {
		var buf bytes.Buffer
		d := map[string]any{"page": page, "pages": pages, "url": "/c/x/demandes?etat=submitted&page=9"}
		if err := r.pages["error"].ExecuteTemplate(&buf, "pagination", d); err != nil {
			t.Fatal(err)
		}
		return MustParse(t, buf.String())
	}
	if render(1, 1).Find("nav").Length() != 0 {
		t.Error("pagination shown for a single page")
	}
	doc := render(5, 10)
	var got []string
	doc.Find("nav.pagination li").Each(func(_ int, s *goquery.Selection) { got = append(got, s.Text()) })
	if want := "Page précédente 1 … 4 5 6 … 10 Page suivante"; strings.Join(got, " ") != want {
		t.Errorf("items = %q, want %q", strings.Join(got, " "), want)
	}
	if href := MustAttr(t, doc.Find(`a[aria-current="page"]`), "href"); href != "/c/x/demandes?etat=submitted&page=5" {
		t.Errorf("current href = %q", href)
	}
	if href := MustAttr(t, doc.Find(`a[rel="prev"]`), "href"); href != "/c/x/demandes?etat=submitted&page=4" {
		t.Errorf("prev href = %q", href)
	}
	if href := MustAttr(t, doc.Find(`a[aria-label="Page 1"]`), "href"); href != "/c/x/demandes?etat=submitted" {
		t.Errorf("first page href = %q", href)
	}
	if render(10, 10).Find(`a[rel="next"]`).Length() != 0 {
		t.Error("next link on the last page")
	}
}

// The summary lists the errors in the order of their fields on the page,
// whatever their names: its first link leads to the first field to fix.
func TestErrorSummaryFollowsTheForm(t *testing.T) {
	r := MustRenderer(t)
	errs := FormErrors{
		"type_evenement": "Choisissez une réponse pour « Type d'événement ».",
		"dates":          "La date de fin doit être postérieure ou égale à la date de début.",
		"participants":   "Renseignez « Nombre de participants ».",
		"ailleurs":       "Une erreur qu'aucun champ de la page ne porte.",
	}
	fields := []FormField{
		{Name: "type_evenement", ID: "type_evenement", Label: "Type d'événement", Type: "select", Options: []string{"Réunion", "Concert"}, Error: errs["type_evenement"]},
		{Name: "dates", ID: "dates", Label: "Dates de réservation", Type: "period", Value: map[string]any{}, Error: errs["dates"]},
		{Name: "participants", ID: "participants", Label: "Nombre de participants", Type: "number", Error: errs["participants"]},
	}
	page := Page{Commune: testCommune, Errors: errs, Data: DraftPage{ProcedureTitle: "Réservation de la salle", Email: "lea@exemple.fr", TrackingCode: "ABCD1234",
		Form: DemandForm{Action: "/c/plassans/brouillon/x", Version: 1, Fields: fields}}}
	for _, data := range []any{page, &page} {
		doc := MustParse(t, MustRender(t, r, http.StatusUnprocessableEntity, "citizen/draft", data).Body.String())
		var hrefs []string
		doc.Find(".error-summary li a").Each(func(_ int, s *goquery.Selection) { hrefs = append(hrefs, s.AttrOr("href", "")) })
		if got := strings.Join(hrefs, " "); got != "#type_evenement #dates #participants #ailleurs" {
			t.Errorf("summary links = %s, want the form's order, the error without a field last", got)
		}
		if got := doc.Find(".error-summary h2").Text(); got != "Le formulaire contient 4 erreurs" {
			t.Errorf("summary heading = %q", got)
		}
	}
}
