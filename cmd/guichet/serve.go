package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"time"

	"guichet/auth"
	"guichet/handlers"
	"guichet/jobs"
	"guichet/links"
	"guichet/mail"
	"guichet/notify"
	"guichet/views"
	"guichet/workflow"
)

func serve(ctx context.Context, args []string) error {
	return withDB(ctx, func(e *env) error {
		if limit := setGarbageCollection(e.cfg.PasswordParams()); limit < math.MaxInt64 {
			e.log.Info("soft memory limit", "MiB", limit>>20)
		}
		if e.cfg.Dev() {
			if err := loadDemo(ctx, e, false); err != nil {
				return err
			}
		}
		srv, err := newServer(e)
		if err != nil {
			return err
		}
		worker, n := srv.Worker, srv.Notifier
		go worker.Run(ctx)
		periodic := func(what string, run func(context.Context, time.Time) (int, error)) {
			go jobs.Every(ctx, time.Hour, func(ctx context.Context) {
				if n, err := run(ctx, time.Now()); err != nil && ctx.Err() == nil {
					e.log.Error(what, "err", err)
				} else if n > 0 {
					e.log.Info(what, "count", n)
				}
			})
		}
		periodic("abandoned uploads deleted", func(_ context.Context, now time.Time) (int, error) {
			return srv.Files().SweepAbandoned(now, 24*time.Hour)
		})
		periodic("stale sign-in records deleted", func(ctx context.Context, now time.Time) (int, error) { return auth.Purge(ctx, e.db, now) })
		periodic("archived decided demands", (&jobs.Archiver{DB: e.db, Engine: srv.Engine, After: time.Duration(e.cfg.ArchiveDays) * 24 * time.Hour}).RunOnce)
		if e.cfg.ReminderDays > 0 {
			periodic("service reminders sent", (&notify.Reminders{DB: e.db, Notifier: n, After: time.Duration(e.cfg.ReminderDays) * 24 * time.Hour}).RunOnce)
		}

		addr := net.JoinHostPort(e.cfg.Host, strconv.Itoa(e.cfg.Port))
		hs := &http.Server{Addr: addr, Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
		errc := make(chan error, 1)
		go func() { errc <- hs.ListenAndServe() }()
		fmt.Printf("Guichet écoute sur %s\n", e.cfg.BaseURL)
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
		}
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return hs.Shutdown(shutdown)
	})
}

// newServer wires the application: link signer, mail worker, templates,
// notifier and workflow engine.
func newServer(e *env) (*handlers.Server, error) {
	keys, err := e.cfg.Keys()
	if err != nil {
		return nil, err
	}
	signer := links.NewRotating(keys...)
	worker := &jobs.Worker{DB: e.db, Log: e.log}
	if e.cfg.SMTPURL != "" {
		sc, err := mail.ParseSMTPURL(e.cfg.SMTPURL)
		if err != nil {
			return nil, err
		}
		worker.Sender = mail.NewSMTPSender(sc, e.cfg.MailFrom)
	} else if !e.cfg.Dev() {
		return nil, errors.New("configuration: SMTP_URL is required in production")
	}
	renderer, err := views.New()
	if err != nil {
		return nil, err
	}
	n := &notify.Notifier{BaseURL: e.cfg.BaseURL, Links: signer, FollowLinkTTL: e.cfg.FollowLinkTTL, ServiceLinkTTL: e.cfg.ServiceLinkTTL, BoardLinkTTL: e.cfg.BoardLinkTTL}
	srv := &handlers.Server{
		DB: e.db, Config: e.cfg, Views: renderer, Links: signer, Notifier: n, Worker: worker, Log: e.log,
		Engine: &workflow.Engine{DB: e.db, Notifier: n},
	}
	worker.Prepare = srv.MailResetRequests
	return srv, nil
}
