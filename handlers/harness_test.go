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

	"guichet/config"
	"guichet/fixture"
	"guichet/handlers"
	"guichet/jobs"
	"guichet/mail"
	"guichet/mail/mailtest"
	"guichet/testdb"
	"guichet/views"
)

// app is the real application behind a real HTTP server, on its own
// database, sending mail over SMTP to an in-process server.
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
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	smtpSrv := mailtest.Start(t)
	sc, err := mail.ParseSMTPURL(smtpSrv.URL())
	fixture.Must(t, err)
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	worker := &jobs.Worker{DB: db, Sender: mail.NewSMTPSender(sc, "Guichet <guichet@test>"), Log: log,
		Backoff: func(int) time.Duration { return 10 * time.Millisecond }}
	r, err := views.New()
	fixture.Must(t, err)
	cfg := &config.Config{Env: "development", DataDir: t.TempDir(), MaxFileSize: 20_000_000, MaxDemandSize: 100_000_000,
		MaxFilesPerField: 10, MaxFilesPerDemand: 50,
		FollowLinkTTL: 90 * 24 * time.Hour, ServiceLinkTTL: 30 * 24 * time.Hour, BoardLinkTTL: 90 * 24 * time.Hour,
		ReminderDays: 7, ArchiveDays: 90, Argon2Memory: 1024}
	srv := &handlers.Server{DB: db, Config: cfg, Views: r, Links: w.Links, Notifier: w.Notifier,
		Engine: w.Engine, Worker: worker, Log: log}
	worker.Prepare = srv.MailResetRequests
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	cfg.BaseURL = hs.URL
	w.Notifier.BaseURL = hs.URL
	return &app{World: w, t: t, URL: hs.URL, SMTP: smtpSrv, Worker: worker, Server: srv, Config: cfg, Logs: logs}
}

// restarted is the application started anew on the same database and data
// directory: a second process beside the first, or the first after a
// restart. Nothing kept in the first one's memory reaches it.
func (a *app) restarted() *app {
	a.t.Helper()
	s := a.Server
	srv := &handlers.Server{DB: s.DB, Config: s.Config, Views: s.Views, Links: s.Links, Notifier: s.Notifier,
		Engine: s.Engine, Worker: s.Worker, Log: s.Log}
	hs := httptest.NewServer(srv.Handler())
	a.t.Cleanup(hs.Close)
	b := *a
	b.URL, b.Server = hs.URL, srv
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
