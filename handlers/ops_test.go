package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/fixture"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

// served is the application run by App.Serve on listeners of its own, as
// `guichet serve` runs it: the scheduler running, the metrics apart.
type served struct {
	URL, MetricsURL string
	stop            context.CancelFunc
	finished        chan struct{} // Serve returned
	err             error         // what it returned, once finished
	closed          chan struct{}
}

// closeSignal tells when the server closes its listener: shutdown began.
type closeSignal struct {
	net.Listener
	once   sync.Once
	closed chan struct{}
}

func (l *closeSignal) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

func listen(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	fixture.Must(t, err)
	return ln
}

// serve starts App.Serve and returns once its scheduler runs.
func (a *app) serve(t *testing.T) *served {
	t.Helper()
	started := make(chan struct{})
	var once sync.Once
	a.App.Jobs.Add("test: the scheduler runs", time.Hour, func(context.Context, time.Time) (int, error) {
		once.Do(func() { close(started) })
		return 0, nil
	})
	ln := &closeSignal{Listener: listen(t), closed: make(chan struct{})}
	mln := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{URL: "http://" + ln.Addr().String(), MetricsURL: "http://" + mln.Addr().String(), stop: cancel,
		finished: make(chan struct{}), closed: ln.closed}
	go func() { s.err = a.App.Serve(ctx, ln, mln, nil); close(s.finished) }()
	t.Cleanup(func() { cancel(); <-s.finished })
	<-started
	return s
}

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	fixture.Must(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	fixture.Must(t, err)
	return res.StatusCode, string(b)
}

// An acceptance made through the real router is counted by its event, and
// its request by its route's template, never its path; the mails it
// queued are the outbox's backlog, as old as the clock says. /metrics is
// not on the public router.
func TestMetricsCountATransitionAndItsRoute(t *testing.T) {
	a := newApp(t)
	a.Clock.Set(a.Clock.Now().Truncate(time.Second)) // PostgreSQL keeps microseconds
	d := a.DemandAt(t, fixture.AtSubmitted)
	a.exec("UPDATE outbox_mails SET status = ? WHERE status = ?", models.MailSent, models.MailPending)
	c := a.signIn(a.Accueil)
	r := c.post("/gestion/demandes/"+itoa(d.ID)+"/actions/accepter", url.Values{"version": {itoa(int64(d.Version))}, "confirmer": {"oui"}})
	mustStatus(t, r, http.StatusSeeOther)
	if got := stateOf(t, a, d); got.State != workflow.Accepted {
		t.Fatalf("state %s", got.State)
	}
	a.Clock.Advance(90 * time.Second)
	pending, err := a.DB.NewSelect().Model((*models.OutboxMail)(nil)).Where("status = ?", models.MailPending).Count(context.Background())
	fixture.Must(t, err)
	if pending == 0 {
		t.Fatal("the acceptance queued no mail")
	}

	ms := httptest.NewServer(a.App.Metrics.Handler())
	defer ms.Close()
	status, body := fetch(t, ms.URL)
	if status != http.StatusOK {
		t.Fatalf("metrics: %d", status)
	}
	for _, want := range []string{
		`guichet_transitions_total{event="accept"} 1`,
		`guichet_http_request_duration_seconds_count{method="POST",route="/gestion/demandes/:id/actions/:action",status="3xx"} 1`,
		`guichet_http_request_duration_seconds_bucket{method="POST",route="/gestion/demandes/:id/actions/:action",status="3xx",le="+Inf"} 1`,
		`guichet_http_request_duration_seconds_count{method="POST",route="/gestion/connexion",status="3xx"} 1`,
		"guichet_mails_pending " + itoa(int64(pending)) + "\n",
		"guichet_mails_pending_oldest_age_seconds 90\n",
		`go_sql_max_open_connections{db_name="guichet"} 20`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, "/gestion/demandes/"+itoa(d.ID)) {
		t.Error("a raw path is a label")
	}
	// No replica streams from the test server: no lag is made up.
	if strings.Contains(body, "guichet_replica_lag_seconds{") {
		t.Error("a replica lag without a replica")
	}
	// A failed run of a job is counted by the job's name.
	a.App.Jobs.Add("test: fails", time.Hour, func(context.Context, time.Time) (int, error) { return 0, errors.New("refused") })
	a.App.Jobs.RunDue(context.Background())
	if _, body := fetch(t, ms.URL); !strings.Contains(body, `guichet_job_failures_total{job="test: fails"} 1`) {
		t.Error("the failed job is not counted")
	}
	if r := c.get("/metrics"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("the public router serves /metrics: %d", r.StatusCode)
	}
}

// /healthz answers while the process lives; /readyz only when the database
// answers with the migrations this program embeds and the scheduler runs,
// else 503 with the check that failed.
func TestReadinessChecksMigrationsAndJobs(t *testing.T) {
	a := newApp(t)
	if status, body := fetch(t, a.URL+"/healthz"); status != http.StatusOK || body != "ok\n" {
		t.Fatalf("healthz: %d %q", status, body)
	}
	type ready struct {
		Ready  bool
		Checks map[string]string
	}
	readiness := func(base string, want int) ready {
		t.Helper()
		status, body := fetch(t, base+"/readyz")
		var got ready
		if err := json.Unmarshal([]byte(body), &got); err != nil || status != want || got.Ready != (want == http.StatusOK) {
			t.Fatalf("readyz: %d %s (%v), want %d", status, body, err, want)
		}
		return got
	}
	// The harness's server runs no scheduler.
	if got := readiness(a.URL, http.StatusServiceUnavailable); got.Checks["jobs"] != "arrêtées" || got.Checks["database"] != "ok" || got.Checks["migrations"] != "ok" {
		t.Fatalf("without the scheduler: %v", got.Checks)
	}
	s := a.serve(t)
	readiness(s.URL, http.StatusOK)
	if status, body := fetch(t, s.MetricsURL+"/metrics"); status != http.StatusOK || !strings.Contains(body, `route="/readyz"`) {
		t.Fatalf("the metrics listener: %d", status)
	}

	var last string
	fixture.Must(t, a.DB.NewRaw("SELECT max(name) FROM bun_migrations").Scan(context.Background(), &last))
	a.exec("DELETE FROM bun_migrations WHERE name = ?", last) // rolled back
	if got := readiness(s.URL, http.StatusServiceUnavailable); got.Checks["migrations"] != "1 à appliquer ("+last+")" || got.Checks["jobs"] != "ok" {
		t.Fatalf("a migration behind: %v", got.Checks)
	}
	a.exec("INSERT INTO bun_migrations (name, group_id, migrated_at) VALUES (?, 1, now()), ('29991231000000', 1, now())", last)
	if got := readiness(s.URL, http.StatusServiceUnavailable); got.Checks["migrations"] != "1 inconnues de ce programme (29991231000000)" {
		t.Fatalf("a migration this program does not know: %v", got.Checks)
	}
	a.exec("DELETE FROM bun_migrations WHERE name = '29991231000000'")
	readiness(s.URL, http.StatusOK)
}

// At shutdown, the upload under way is received and answered 200, the job
// under way ends on a live context and database, and only then does Serve
// return; no new connection is taken meanwhile.
func TestShutdownFinishesTheRequestAndTheJobUnderWay(t *testing.T) {
	a := newApp(t)
	a.demoProcedures()
	c := a.client()
	path := startDraft(t, c, a.Commune.Slug, "signalement-dysfonctionnement", "claude@exemple.fr")
	jobStarted, release := make(chan struct{}), make(chan struct{})
	type jobEnd struct {
		ctxErr error
		n      int64
		err    error
	}
	jobEnded := make(chan jobEnd, 1)
	a.App.Jobs.Add("test: a long job", time.Hour, func(ctx context.Context, _ time.Time) (int, error) {
		close(jobStarted)
		<-release
		n, err := a.DB.NewSelect().Model((*models.Demand)(nil)).Count(ctx)
		jobEnded <- jobEnd{ctx.Err(), n, err}
		return int(n), err
	})
	s := a.serve(t)
	<-jobStarted
	receiving := make(chan struct{}, 1)
	a.App.Files.Receiving = func() { receiving <- struct{}{} }

	content := pdfFile(200_000)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, err := http.NewRequest(http.MethodPost, s.URL+path+"/pieces?champ=photo", pr)
	fixture.Must(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", s.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("HX-Request", "true")
	type answer struct {
		status int
		body   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		answered <- answer{res.StatusCode, string(b), err}
	}()
	w, err := mw.CreateFormFile("fichier:photo", "plan.pdf")
	fixture.Must(t, err)
	_, err = w.Write(content[:len(content)/2])
	fixture.Must(t, err)
	<-receiving // the request is under way

	s.stop() // SIGTERM
	<-s.closed
	if conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://")); err == nil {
		conn.Close()
		t.Fatal("a new connection is taken after shutdown began")
	}
	_, err = w.Write(content[len(content)/2:])
	fixture.Must(t, err)
	fixture.Must(t, mw.Close())
	fixture.Must(t, pw.Close())
	got := <-answered
	if got.err != nil || got.status != http.StatusOK || !strings.Contains(got.body, "plan.pdf") {
		t.Fatalf("the upload under way: %d %v %.300s", got.status, got.err, got.body)
	}
	var stored int
	fixture.Must(t, a.DB.NewRaw("SELECT count(*) FROM attachments WHERE filename = 'plan.pdf' AND deleted_at IS NULL").Scan(context.Background(), &stored))
	if stored != 1 {
		t.Fatalf("%d attachments recorded", stored)
	}

	select {
	case <-s.finished:
		t.Fatalf("Serve returned with a job under way: %v", s.err)
	default:
	}
	close(release)
	end := <-jobEnded
	if end.ctxErr != nil || end.err != nil || end.n != 1 {
		t.Fatalf("the job under way: ctx %v, %d demands, %v", end.ctxErr, end.n, end.err)
	}
	<-s.finished
	fixture.Must(t, s.err)
	if a.App.Jobs.Running() {
		t.Fatal("the scheduler still runs")
	}
}

// With LOG_FORMAT=json every line is a JSON object, the request log's too.
func TestJSONLogs(t *testing.T) {
	cfg := fixture.Config(t)
	cfg.LogFormat = "json"
	var logs logBuffer
	w := fixture.NewWorldLogged(t, testdb.New(t), cfg, cfg.Logger(&logs))
	hs := httptest.NewServer(w.App.Server.Handler())
	defer hs.Close()
	fetch(t, hs.URL+"/healthz")
	var seen bool
	for _, line := range bytes.Split([]byte(strings.TrimSpace(logs.b.String())), []byte("\n")) {
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("not JSON: %s", line)
		}
		if rec["msg"] == "http" && rec["route"] == "/healthz" && rec["status"] == float64(200) {
			seen = true
		}
	}
	if !seen {
		t.Fatalf("no request line in %s", logs.b.String())
	}
}

// /readyz tolerates a database gap of less than three seconds (a pooler's
// restart: every server would fail at once) and says so; a longer one is
// an outage and answers 503, by the application's clock. Once the database
// answers again, the next gap is tolerated anew.
func TestReadinessToleratesAShortDatabaseGap(t *testing.T) {
	a := newApp(t)
	s := a.serve(t)
	check := func(want int, database string) {
		t.Helper()
		status, body := fetch(t, s.URL+"/readyz")
		var got struct {
			Ready  bool
			Checks map[string]string
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil || status != want || got.Ready != (want == http.StatusOK) || got.Checks["database"] != database {
			t.Fatalf("readyz: %d %s (%v), want %d and the database %q", status, body, err, want, database)
		}
	}
	check(http.StatusOK, "ok")

	var name string
	fixture.Must(t, a.DB.NewRaw("SELECT current_database()").Scan(context.Background(), &name))
	op := operator(t, testdb.MaintenanceDSN(t, a.DB))
	ctx := context.Background()
	cut := func(allow bool) {
		t.Helper()
		_, err := op.ExecContext(ctx, "ALTER DATABASE "+name+" WITH ALLOW_CONNECTIONS "+map[bool]string{true: "true", false: "false"}[allow])
		fixture.Must(t, err)
		if !allow {
			endConnections(t, op, name)
		}
	}
	t.Cleanup(func() { cut(true) })
	cut(false)
	check(http.StatusOK, "injoignable depuis 0 s (toléré 3 s)")
	a.Clock.Advance(2 * time.Second)
	check(http.StatusOK, "injoignable depuis 2 s (toléré 3 s)")
	a.Clock.Advance(time.Second)
	check(http.StatusServiceUnavailable, "injoignable depuis 3 s")
	a.Clock.Advance(time.Minute)
	check(http.StatusServiceUnavailable, "injoignable depuis 63 s")

	cut(true)
	check(http.StatusOK, "ok")
	cut(false)
	check(http.StatusOK, "injoignable depuis 0 s (toléré 3 s)")
}
