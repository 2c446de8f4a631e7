package bench

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"

	"guichet/models"
	"guichet/notify"
)

// The handler measures call the application in-process, through the real
// router and middlewares, without the network: the time a request spends
// in Guichet and PostgreSQL.

// serve runs one request through the application and checks its status.
func (b *bed) serve(ctx context.Context, req *http.Request, cookies []*http.Cookie, want int) (*httptest.ResponseRecorder, error) {
	return serveOn(ctx, b.o.Handler, req, cookies, want)
}

// serveOn runs one request through h and checks its status.
func serveOn(ctx context.Context, h http.Handler, req *http.Request, cookies []*http.Cookie, want int) (*httptest.ResponseRecorder, error) {
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req.WithContext(ctx))
	if rec.Code != want {
		return rec, fmt.Errorf("%s %s: status %d, want %d: %.300s", req.Method, req.URL, rec.Code, want, rec.Body.String())
	}
	return rec, nil
}

// page is a measure of GET path, answered 200.
func (b *bed) page(path string, cookies []*http.Cookie) func(ctx context.Context, i int) error {
	return func(ctx context.Context, i int) error {
		_, err := b.serve(ctx, httptest.NewRequest(http.MethodGet, path, nil), cookies, http.StatusOK)
		return err
	}
}

// postForm posts a form in-process and returns the response's cookies.
func (b *bed) postForm(ctx context.Context, path string, form url.Values, want int) ([]*http.Cookie, error) {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec, err := b.serve(ctx, req, nil, want)
	if err != nil {
		return nil, err
	}
	return rec.Result().Cookies(), nil
}

// handlers measures the pages people open most, as an accueil agent of
// the largest commune.
func (b *bed) handlers(ctx context.Context) error {
	var session []*http.Cookie
	var deep string
	get := func(path *string, want int) func(ctx context.Context, i int) error {
		return func(ctx context.Context, i int) error {
			_, err := b.serve(ctx, httptest.NewRequest(http.MethodGet, *path, nil), session, want)
			return err
		}
	}
	// Demands Voirie holds, with the assignment its links are made for.
	var held []models.Assignment
	err := b.db.NewRaw(`SELECT assignment_id AS id, id AS demand_id, commune_id, service_id FROM demands
		WHERE commune_id = ? AND state = 'transferred' AND service_id = ? ORDER BY id LIMIT 100`, b.commune.ID, b.voirie.ID).Scan(ctx, &held)
	if err != nil {
		return err
	}
	queue, filtered := "/gestion/", fmt.Sprintf("/gestion/?etat=transferred&service=%d", b.voirie.ID)
	byCitizen := "/gestion/?tri=" + models.SortCitizen
	steps := []struct {
		name  string
		agent bool
		fn    func(ctx context.Context, i int) error
	}{
		{"handler: home page", false, b.page("/", nil)},
		{"handler: dashboard first page (queue, oldest first)", true, get(&queue, http.StatusOK)},
		{"handler: dashboard filtered (transferred to Voirie)", true, get(&filtered, http.StatusOK)},
		{"handler: dashboard sorted by citizen (French collation)", true, get(&byCitizen, http.StatusOK)},
		{"handler: dashboard deep page (page 101 of the queue, or its last)", true, get(&deep, http.StatusOK)},
		{"handler: search by reference (redirects to the demand)", true, func(ctx context.Context, i int) error {
			req := httptest.NewRequest(http.MethodGet, "/gestion/?q="+url.QueryEscape(b.refs[i%len(b.refs)]), nil)
			_, err := b.serve(ctx, req, session, http.StatusSeeOther)
			return err
		}},
		{"handler: citizen's demand page (data, files, public history)", false, func(ctx context.Context, i int) error {
			u, err := b.o.Notifier.FollowURL(b.commune, &models.Demand{ID: b.ids[i%len(b.ids)], CommuneID: b.commune.ID})
			if err != nil {
				return err
			}
			_, err = b.serve(ctx, httptest.NewRequest(http.MethodGet, strings.TrimPrefix(u, b.o.Notifier.BaseURL), nil), nil, http.StatusOK)
			return err
		}},
		{"handler: service's demand page (data, files, full history)", false, func(ctx context.Context, i int) error {
			a := held[i%len(held)]
			tok, _, err := b.o.Notifier.ServiceToken(b.commune, b.voirie, &a)
			if err != nil {
				return err
			}
			_, err = b.serve(ctx, httptest.NewRequest(http.MethodGet, notify.ServicePath(b.commune, tok), nil), nil, http.StatusOK)
			return err
		}},
		// The board as the service opens it from its e-mail: the first page of each of its lists.
		{"handler: service board (first page of what Voirie holds)", false, func(ctx context.Context, i int) error {
			u, _, err := b.o.Notifier.BoardURL(b.commune, b.voirie)
			if err != nil {
				return err
			}
			_, err = b.serve(ctx, httptest.NewRequest(http.MethodGet, strings.TrimPrefix(u, b.o.Notifier.BaseURL), nil), nil, http.StatusOK)
			return err
		}},
		{"handler: full-text search (French, prefixes)", true, func(ctx context.Context, i int) error {
			req := httptest.NewRequest(http.MethodGet, "/gestion/?etat=tous&q="+url.QueryEscape(searchTerms[i%len(searchTerms)]), nil)
			_, err := b.serve(ctx, req, session, http.StatusOK)
			return err
		}},
	}
	for _, s := range steps {
		if !b.want(s.name) {
			continue
		}
		if s.agent && session == nil {
			var err error
			if session, err = b.signIn(ctx); err != nil {
				return err
			}
			if deep, err = b.deepPage(ctx, session, queue, 100); err != nil {
				return err
			}
		}
		if err := b.latency(ctx, s.name, s.fn); err != nil {
			return err
		}
	}
	return nil
}

// signIn opens an accueil agent's session.
func (b *bed) signIn(ctx context.Context) ([]*http.Cookie, error) {
	return b.postForm(ctx, "/gestion/connexion", url.Values{"email": {b.accueil.Email}, "password": {Password}}, http.StatusSeeOther)
}

var nextRe = regexp.MustCompile(`href="([^"]*apres=[^"]*)"`)

// deepPage follows a list's "next" links up to n times, and returns the
// last page reached.
func (b *bed) deepPage(ctx context.Context, session []*http.Cookie, path string, n int) (string, error) {
	for range n {
		rec, err := b.serve(ctx, httptest.NewRequest(http.MethodGet, path, nil), session, http.StatusOK)
		if err != nil {
			return "", err
		}
		m := nextRe.FindStringSubmatch(rec.Body.String())
		if m == nil {
			break
		}
		path = html.UnescapeString(m[1])
	}
	return path, nil
}
