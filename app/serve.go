package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"guichet/inbound"
)

// ShutdownTimeout bounds how long Serve waits at shutdown for the requests
// under way, then, within the same time, for the jobs under way.
const ShutdownTimeout = 30 * time.Second

// Serve serves the application on ln, its metrics on metricsLn (none if
// nil), the inbound mail listener on inboundLn (none if nil), and runs the
// scheduler, until ctx ends. Then it shuts down in
// order: it stops accepting connections and finishes the requests under
// way (http.Server.Shutdown), then lets the scheduler start nothing more
// and waits for the jobs under way; the metrics answer until the end. The
// caller closes the database once it returns.
func (a *App) Serve(ctx context.Context, ln, metricsLn, inboundLn net.Listener) error {
	var is *inbound.Server
	if inboundLn != nil {
		is = inbound.NewServer(a.Inbound, a.Notifier.Host(), a.Config.InboundLMTP)
		if a.Config.InboundTLSCert != "" {
			if err := is.OfferTLS(a.Config.InboundTLSCert, a.Config.InboundTLSKey); err != nil {
				return err
			}
		}
	}
	errorLog := slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)
	hs := &http.Server{Handler: a.Server.Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: errorLog}
	errc := make(chan error, 3)
	go func() { errc <- hs.Serve(ln) }()
	var ms *http.Server
	if metricsLn != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", a.Metrics.Handler())
		ms = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: errorLog}
		go func() { errc <- ms.Serve(metricsLn) }()
	}
	if is != nil {
		go func() { errc <- is.ServeListener(inboundLn) }()
	}
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopJobs()
	jobsDone := make(chan struct{})
	go func() { a.Jobs.Run(jobsCtx); close(jobsDone) }() // mail, reminders, archiving, purges (New)

	var err error
	select {
	case err = <-errc: // a listener failed: shut down the rest
	case <-ctx.Done():
	}
	a.Log.Info("shutting down: finishing the requests, then the jobs under way")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	err = errors.Join(err, hs.Shutdown(sctx))
	if is != nil {
		// Sessions under way end with the messages they acknowledged stored.
		err = errors.Join(err, is.Shutdown(sctx))
	}
	stopJobs()
	select {
	case <-jobsDone:
	case <-sctx.Done():
		err = errors.Join(err, errors.New("shutdown: jobs still under way after "+ShutdownTimeout.String()))
	}
	if ms != nil {
		err = errors.Join(err, ms.Shutdown(sctx))
	}
	if err == nil {
		a.Log.Info("shut down")
	}
	return err
}
