package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
)

// The handler measures call the application in-process, through the real
// router and middlewares, without the network: the time a request spends
// in Guichet and PostgreSQL.

// serve runs one request through the application and checks its status.
func (b *bed) serve(ctx context.Context, req *http.Request, cookies []*http.Cookie, want int) (*httptest.ResponseRecorder, error) {
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.o.Handler.ServeHTTP(rec, req.WithContext(ctx))
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

// handlers measures the pages people open most.
func (b *bed) handlers(ctx context.Context) error {
	return b.latency(ctx, "handler: home page", b.page("/", nil))
}
