package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	application "guichet/app"
	"guichet/config"
	"guichet/fixture"
	"guichet/handlers"
	"guichet/jobs"
	"guichet/mail/mailtest"
	"guichet/testdb"
)

// app is the real application behind a real HTTP server, on its own
// database, sending mail over SMTP to an in-process server; its clock is
// fixture's fake one (a.Clock).
type app struct {
	*fixture.World
	t      testing.TB
	URL    string
	SMTP   *mailtest.Server
	Worker *jobs.Worker
	Server *handlers.Server
	Config *config.Config
	Logs   *logBuffer
}

// logBuffer keeps what the server logs, for tests to read.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// errors are the ERROR lines logged so far.
func (l *logBuffer) errors() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.b.String(), "\n") {
		if strings.Contains(line, "level=ERROR") {
			out = append(out, line)
		}
	}
	return out
}

func newApp(t testing.TB) *app {
	t.Helper()
	return newAppOn(t, testdb.New(t), fixture.Config(t))
}

// newAppOn is newApp on db with cfg.
func newAppOn(t testing.TB, db *bun.DB, cfg *config.Config) *app {
	t.Helper()
	smtpSrv := mailtest.Start(t)
	hs := httptest.NewUnstartedServer(nil)
	t.Cleanup(hs.Close)
	cfg.SMTPURL, cfg.BaseURL = smtpSrv.URL(), "http://"+hs.Listener.Addr().String()
	logs := &logBuffer{}
	w := fixture.NewWorldLogged(t, db, cfg, slog.New(slog.NewTextHandler(logs, nil)))
	w.App.Worker.Backoff = func(int) time.Duration { return 10 * time.Millisecond }
	hs.Config.Handler = w.App.Server.Handler()
	hs.Start()
	return &app{World: w, t: t, URL: hs.URL, SMTP: smtpSrv, Worker: w.App.Worker, Server: w.App.Server, Config: cfg, Logs: logs}
}

// restarted is the application started anew on the same database, data
// directory and clock: a second process beside the first, or the first
// after a restart. Nothing kept in the first one's memory reaches it.
func (a *app) restarted() *app {
	a.t.Helper()
	b := *a
	again, err := application.New(a.Config, a.DB, a.App.Log, a.Clock.Clock())
	fixture.Must(a.t, err)
	hs := httptest.NewServer(again.Server.Handler())
	a.t.Cleanup(hs.Close)
	b.URL, b.Server = hs.URL, again.Server
	return &b
}

// sendMail runs the worker once, as it would after a commit, and returns
// what the SMTP server received so far.
func (a *app) sendMail() []mailtest.Received {
	a.t.Helper()
	_, err := a.Worker.RunOnce(context.Background())
	fixture.Must(a.t, err)
	return a.SMTP.Messages()
}

// client is a browser: it keeps cookies and does not follow redirects on
// its own, so tests see each 303.
type client struct {
	t   testing.TB
	app *app
	hc  *http.Client
}

func (a *app) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: a.t, app: a, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// response is a fetched page.
type response struct {
	*http.Response
	Body string
	Doc  *goquery.Document
}

func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	res, err := c.hc.Do(req)
	fixture.Must(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	fixture.Must(c.t, err)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	return &response{Response: res, Body: string(b), Doc: doc}
}

func (c *client) abs(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return c.app.URL + path
}

// get fetches a page.
func (c *client) get(path string) *response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.abs(path), nil)
	fixture.Must(c.t, err)
	return c.do(req)
}

// post submits a form, as a same-origin browser would.
func (c *client) post(path string, form url.Values) *response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.abs(path), strings.NewReader(form.Encode()))
	fixture.Must(c.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.app.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// follow fetches the page a 303 points to.
func (c *client) follow(r *response) *response {
	c.t.Helper()
	if r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusFound {
		c.t.Fatalf("want a redirect, got %d: %s", r.StatusCode, text(r))
	}
	return c.get(r.Header.Get("Location"))
}

// text is a page's visible main text, squeezed, for messages and asserts.
func text(r *response) string {
	if r.Doc == nil {
		return r.Body
	}
	return strings.Join(strings.Fields(r.Doc.Find("main").Text()), " ")
}
