package main

import (
	"context"
	"fmt"
	"math"
	"net"
	"strconv"

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
		ln, err := net.Listen("tcp", net.JoinHostPort(e.cfg.Host, strconv.Itoa(e.cfg.Port)))
		if err != nil {
			return err
		}
		var metricsLn net.Listener
		if e.cfg.MetricsAddr != "" {
			if metricsLn, err = net.Listen("tcp", e.cfg.MetricsAddr); err != nil {
				ln.Close()
				return fmt.Errorf("METRICS_ADDR: %w", err)
			}
			e.log.Info("metrics", "url", "http://"+metricsLn.Addr().String()+"/metrics")
		}
		var inboundLn net.Listener
		if e.cfg.InboundAddr != "" {
			if inboundLn, err = net.Listen("tcp", e.cfg.InboundAddr); err != nil {
				ln.Close()
				if metricsLn != nil {
					metricsLn.Close()
				}
				return fmt.Errorf("INBOUND_ADDR: %w", err)
			}
			e.log.Info("inbound mail", "addr", inboundLn.Addr().String(), "lmtp", e.cfg.InboundLMTP)
		}
		fmt.Printf("Guichet écoute sur %s\n", e.cfg.BaseURL)
		// On SIGTERM or SIGINT (ctx, main): requests then jobs under way are
		// finished; withDB closes the database after.
		return a.Serve(ctx, ln, metricsLn, inboundLn)
	})
}
