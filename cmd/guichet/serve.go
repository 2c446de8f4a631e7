package main

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"time"

	"guichet/app"
	"guichet/clock"
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
		a, err := app.New(e.cfg, e.db, e.log, clock.System)
		if err != nil {
			return err
		}
		go a.Jobs.Run(ctx) // mail, reminders, archiving, purges (app.New)

		addr := net.JoinHostPort(e.cfg.Host, strconv.Itoa(e.cfg.Port))
		hs := &http.Server{Addr: addr, Handler: a.Server.Handler(), ReadHeaderTimeout: 10 * time.Second}
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
