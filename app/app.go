// Package app builds Guichet once: the signer, the notifier, the mail
// worker, the templates, the workflow engine, the file store, the HTTP
// server and the scheduler of deferred and periodic work, all on one clock.
// serve, every operator command, the tests (through fixture) and the bench
// use New; nothing else wires these parts.
package app

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/uptrace/bun"

	"guichet/audit"
	"guichet/auth"
	"guichet/clock"
	"guichet/config"
	"guichet/conversation"
	"guichet/deadline"
	"guichet/files"
	"guichet/handlers"
	"guichet/handlers/web"
	"guichet/inbound"
	"guichet/jobs"
	"guichet/links"
	"guichet/mail"
	"guichet/metrics"
	"guichet/models"
	"guichet/notify"
	"guichet/replica"
	"guichet/retention"
	"guichet/routing"
	"guichet/satisfaction"
	"guichet/views"
	"guichet/workflow"
)

// App is the application's parts, wired.
type App struct {
	Config   *config.Config
	DB       *bun.DB
	Log      *slog.Logger
	Clock    clock.Clock
	Links    *links.Signer
	Notifier *notify.Notifier
	Engine   *workflow.Engine
	// Conversations: the support side's exchanges with citizens.
	Conversations *conversation.Manager
	Routing       *routing.Manager
	Files         *files.Store
	Worker        *jobs.Worker
	Jobs          *jobs.Scheduler
	Server        *handlers.Server
	Metrics       *metrics.Metrics // served on METRICS_ADDR by Serve
	// Reads sends lists, indicators and exports to DATABASE_REPLICA_URL.
	Reads *replica.Reader
	// Inbound stores and threads the mail received (INBOUND_ADDR).
	Inbound *inbound.Receiver
	// Retention anonymises what expires or a citizen has erased.
	Retention *retention.Anonymiser
}

// AbandonedUploadAge is how old a temporary upload file must be for the
// sweep to take it for one a stopped process left behind.
const AbandonedUploadAge = 24 * time.Hour

// New wires the application on db from cfg, telling time by clk (nil: the
// system's). Without SMTP_URL, mail stays in the database (development only).
func New(cfg *config.Config, db *bun.DB, log *slog.Logger, clk clock.Clock) (*App, error) {
	if db != nil { // nil: a test of the wiring alone
		cfg.DevKeys = models.DevKeys{DB: db} // shared by every server on db
	}
	keys, err := cfg.Keys()
	if err != nil {
		return nil, err
	}
	auditKey, err := cfg.AuditKey()
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, DB: db, Log: log, Clock: clk}
	a.Links = links.NewRotating(keys...)
	a.Links.Clock = clk
	a.Worker = &jobs.Worker{DB: db, Log: log, Clock: clk}
	if cfg.SMTPURL != "" {
		sc, err := mail.ParseSMTPURL(cfg.SMTPURL)
		if err != nil {
			return nil, err
		}
		a.Worker.Sender = mail.NewSMTPSender(sc, cfg.MailFrom)
	} else if !cfg.Dev() {
		return nil, errors.New("configuration: SMTP_URL is required in production")
	}
	renderer, err := views.New()
	if err != nil {
		return nil, err
	}
	a.Notifier = &notify.Notifier{BaseURL: cfg.BaseURL, Links: a.Links, Clock: clk,
		FollowLinkTTL: cfg.FollowLinkTTL, ServiceLinkTTL: cfg.ServiceLinkTTL, BoardLinkTTL: cfg.BoardLinkTTL}
	a.Metrics = metrics.New(db, clk, log)
	a.Reads = &replica.Reader{Primary: db, MaxLag: cfg.ReplicaMaxLag, Clock: clk, Metrics: a.Metrics}
	if cfg.DatabaseReplicaURL != "" {
		if a.Reads.Replica, err = models.OpenLater(cfg.DatabaseReplicaURL); err != nil {
			return nil, err
		}
	}
	a.Engine = &workflow.Engine{DB: db, Notifier: a.Notifier, Clock: clk, Metrics: a.Metrics}
	// Every submission is routed by the commune's rules, in its transaction.
	a.Routing = &routing.Manager{DB: db, Engine: a.Engine, Clock: clk}
	a.Engine.Router = a.Routing
	// Every transition keeps the demand's deadline clocks.
	a.Engine.Clocks = deadline.Demands{}
	a.Conversations = &conversation.Manager{DB: db, Notifier: a.Notifier, Clock: clk, ReopenWithin: days(cfg.ReopenDays)}
	a.Conversations.Router = a.Routing // rules run on conversations opened too (issue 16)
	if a.Files, err = FileStore(cfg, db); err != nil {
		return nil, err
	}
	a.Inbound = &inbound.Receiver{DB: db, Conversations: a.Conversations, Links: a.Links, Files: a.Files, Clock: clk, Log: log, MaxFileSize: cfg.MaxFileSize,
		SpoolDir: filepath.Join(cfg.DataDir, "spool")}
	a.Jobs = &jobs.Scheduler{Clock: clk, Log: log, Metrics: a.Metrics}
	a.Retention = &retention.Anonymiser{DB: db, Files: a.Files}
	a.Server = &handlers.Server{Base: &web.Base{DB: db, Config: cfg, Views: renderer, Links: a.Links, Notifier: a.Notifier,
		Engine: a.Engine, Conversations: a.Conversations, Routing: a.Routing, Files: a.Files, Inbound: a.Inbound, Jobs: a.Jobs, Log: log, Clock: clk, Metrics: a.Metrics,
		Reads: a.Reads, Retention: a.Retention}}
	// Ratings and experiences (issue 18).
	a.Server.Base.Satisfaction = &satisfaction.Manager{DB: db, Notifier: a.Notifier, Links: a.Links, Clock: clk}
	a.Worker.Prepare = a.Server.MailResetRequests

	// Every deferred and periodic job, in one place.
	a.Jobs.Add(jobs.MailJob, time.Second, func(ctx context.Context, _ time.Time) (int, error) { return a.Worker.RunOnce(ctx) })
	a.Jobs.Add("abandoned uploads deleted", time.Hour, func(_ context.Context, now time.Time) (int, error) {
		return a.Files.SweepAbandoned(now, AbandonedUploadAge)
	})
	a.Jobs.Add("stale sign-in records deleted", time.Hour, func(ctx context.Context, now time.Time) (int, error) { return auth.Purge(ctx, db, now) })
	a.Jobs.Add("archived decided demands", time.Hour, (&jobs.Archiver{DB: db, Engine: a.Engine, After: days(cfg.ArchiveDays)}).RunOnce)
	a.Jobs.Add("digests sent", notify.DigestEvery, (&notify.Digests{DB: db, Notifier: a.Notifier}).RunOnce)
	a.Jobs.Add("history sealed", audit.SealEvery, (&audit.Sealer{DB: db, Key: auditKey}).RunOnce)
	a.Jobs.Add("implicit decisions recorded", notify.ImplicitEvery, (&notify.ImplicitDecisions{DB: db, Notifier: a.Notifier}).RunOnce)
	a.Jobs.Add("deadline warnings and lapses sent", notify.DeadlinesEvery, (&notify.Deadlines{DB: db, Notifier: a.Notifier}).RunOnce)
	a.Jobs.Add(deadline.RetimeJob, deadline.RetimeEvery, (&deadline.Retimer{DB: db}).RunOnce)
	if cfg.InboundIMAPURL != "" {
		p, err := inbound.ParseIMAPURL(a.Inbound, cfg.InboundIMAPURL)
		if err != nil {
			return nil, err
		}
		if cfg.InboundIMAPCA != "" {
			if err := p.TrustCA(cfg.InboundIMAPCA); err != nil {
				return nil, err
			}
		}
		a.Jobs.Add("inbound mail polled", time.Minute, func(ctx context.Context, _ time.Time) (int, error) { return p.RunOnce(ctx) })
	}
	a.Jobs.Add("retention applied", retention.Every, (&retention.Job{DB: db, Notifier: a.Notifier, Anonymiser: a.Retention}).RunOnce)
	if cfg.ReminderDays > 0 {
		a.Jobs.Add("service reminders sent", time.Hour, (&notify.Reminders{DB: db, Notifier: a.Notifier, After: days(cfg.ReminderDays)}).RunOnce)
	}
	return a, nil
}

// UploadsDir is where the uploaded files are received, and kept with
// FILE_STORE=local.
func UploadsDir(cfg *config.Config) string { return filepath.Join(cfg.DataDir, "uploads") }

// FileStore is the store of uploaded files FILE_STORE names, on db.
func FileStore(cfg *config.Config, db *bun.DB) (*files.Store, error) {
	return files.New(cfg.FileStore, UploadsDir(cfg), db, cfg.S3())
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
