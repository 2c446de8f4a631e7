// Package metrics is what an operator's Prometheus scrapes: request
// latency per route, requests the database could not serve, transitions per
// event, failed jobs (counted where they happen: the router's middleware and
// web.Base.Fail, workflow.Engine.Apply, jobs.Scheduler),
// and, read at scrape time, the mails waiting in the outbox, the database
// pool and the replicas' lag. Each application has its own registry, served
// by Handler on a listener of its own (METRICS_ADDR), never on the public
// router. A nil *Metrics counts nothing.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uptrace/bun"

	"guichet/clock"
	"guichet/models"
)

const namespace = "guichet"

// Metrics holds the application's registry and its counters.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.HistogramVec
	transitions *prometheus.CounterVec
	jobFailures *prometheus.CounterVec
	unavailable *prometheus.CounterVec
	reads       *prometheus.CounterVec
	readLag     prometheus.Gauge
}

// New registers every metric of the application on db, telling the age of
// mails by clk.
func New(db *bun.DB, clk clock.Clock, log *slog.Logger) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route template (never the raw path) and status class.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "transitions_total",
			Help: "Transitions of demands committed, by event.",
		}, []string{"event"}),
		jobFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "job_failures_total",
			Help: "Runs of a periodic job that ended in an error, by job.",
		}, []string{"job"}),
		unavailable: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "database_unavailable_total",
			Help: "Requests answered 503 (retry in a few seconds) because the database or its pooler could not be reached, by route template: among the 5xx, the ones that are not a bug.",
		}, []string{"route"}),
		reads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "replica_reads_total",
			Help: "Read-only pages (lists, indicators, exports) by where they read: replica, or the primary because the replica was down, behind, or had not replayed the session's own write.",
		}, []string{"to"}),
		readLag: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "replica_replay_lag_seconds",
			Help: "Replay lag of DATABASE_REPLICA_URL as the replica last told this server (0 when it replayed all it received).",
		}),
	}
	m.reg.MustRegister(m.requests, m.transitions, m.jobFailures, m.unavailable, m.reads, m.readLag,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil { // an application built without a database (a test of its wiring)
		m.reg.MustRegister(collectors.NewDBStatsCollector(db.DB, namespace), &atScrape{db: db, clock: clk, log: log})
	}
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request counts one answered request; route is gin's route template, never
// the path, so that the series stay as few as the routes.
func (m *Metrics) Request(route, method string, status int, took time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status/100)+"xx").Observe(took.Seconds())
}

// Transition counts one committed transition.
func (m *Metrics) Transition(event string) {
	if m != nil {
		m.transitions.WithLabelValues(event).Inc()
	}
}

// JobFailed counts one failed run of a job.
func (m *Metrics) JobFailed(job string) {
	if m != nil {
		m.jobFailures.WithLabelValues(job).Inc()
	}
}

// Unavailable counts one request answered 503 because the database could
// not be reached.
func (m *Metrics) Unavailable(route string) {
	if m != nil {
		m.unavailable.WithLabelValues(route).Inc()
	}
}

// Read counts a read-only page by where it read (replica.Reader).
func (m *Metrics) Read(to string) {
	if m != nil {
		m.reads.WithLabelValues(to).Inc()
	}
}

// ReplicaLag records the replica's replay lag, in seconds.
func (m *Metrics) ReplicaLag(seconds float64) {
	if m != nil {
		m.readLag.Set(seconds)
	}
}

// atScrape reads, at each scrape, what only the database knows.
type atScrape struct {
	db    *bun.DB
	clock clock.Clock
	log   *slog.Logger
}

var (
	mailsPending = prometheus.NewDesc(namespace+"_mails_pending", "Mails in the outbox waiting to be sent.", nil, nil)
	oldestMail   = prometheus.NewDesc(namespace+"_mails_pending_oldest_age_seconds", "Age of the oldest mail waiting to be sent (0: none waits).", nil, nil)
	replicaLag   = prometheus.NewDesc(namespace+"_replica_lag_seconds", "Replay lag of each streaming replica, as the primary sees it (absent without a replica).", []string{"replica"}, nil)
)

func (c *atScrape) Describe(ch chan<- *prometheus.Desc) {
	ch <- mailsPending
	ch <- oldestMail
	ch <- replicaLag
}

func (c *atScrape) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, oldest, err := models.MailBacklog(ctx, c.db)
	if err != nil {
		c.log.Error("metrics: mail backlog", "err", err)
	} else {
		age := 0.0
		if n > 0 {
			age = max(c.clock.Now().Sub(oldest).Seconds(), 0)
		}
		ch <- prometheus.MustNewConstMetric(mailsPending, prometheus.GaugeValue, float64(n))
		ch <- prometheus.MustNewConstMetric(oldestMail, prometheus.GaugeValue, age)
	}
	lags, err := models.ReplicaLags(ctx, c.db)
	if err != nil {
		c.log.Error("metrics: replica lag", "err", err)
	}
	for _, l := range lags {
		ch <- prometheus.MustNewConstMetric(replicaLag, prometheus.GaugeValue, l.Seconds, l.Name)
	}
}
