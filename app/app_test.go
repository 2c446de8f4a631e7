package app_test

import (
	"errors"
	"io"
	"log/slog"
	"net/url"
	"path"
	"slices"
	"testing"
	"time"

	"guichet/app"
	"guichet/clock"
	"guichet/config"
	"guichet/links"
	"guichet/models"
)

func testConfig(t *testing.T) *config.Config {
	return &config.Config{Env: "development", DataDir: t.TempDir(), BaseURL: "http://guichet.test",
		FollowLinkTTL: 90 * 24 * time.Hour, ServiceLinkTTL: 30 * 24 * time.Hour, BoardLinkTTL: 60 * 24 * time.Hour,
		ReminderDays: 7, ArchiveDays: 90}
}

// TestEveryLinkLivesItsConfiguredTime: the links the application signs
// (the citizen's, a service's, a board's) expire after the configured
// lifetime on the application's one clock, whatever part signs them.
func TestEveryLinkLivesItsConfiguredTime(t *testing.T) {
	cfg := testConfig(t)
	c := clock.NewFake(time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC))
	a, err := app.New(cfg, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), c.Clock())
	if err != nil {
		t.Fatal(err)
	}
	com := &models.Commune{ID: 1, Slug: "plassans"}
	svc := &models.Service{ID: 2, CommuneID: 1}
	follow, err := a.Notifier.FollowURL(com, &models.Demand{ID: 3, CommuneID: 1})
	if err != nil {
		t.Fatal(err)
	}
	service, _, err := a.Notifier.ServiceURL(com, svc, &models.Assignment{ID: 4, DemandID: 3, ServiceID: 2})
	if err != nil {
		t.Fatal(err)
	}
	board, _, err := a.Notifier.BoardURL(com, svc)
	if err != nil {
		t.Fatal(err)
	}
	issued := c.Now()
	for _, l := range []struct {
		purpose, url string
		ttl          time.Duration
	}{{links.Follow, follow, cfg.FollowLinkTTL}, {links.Service, service, cfg.ServiceLinkTTL}, {links.Board, board, cfg.BoardLinkTTL}} {
		u, err := url.Parse(l.url)
		if err != nil {
			t.Fatal(err)
		}
		token := path.Base(u.Path)
		c.Set(issued.Add(l.ttl - time.Minute))
		if _, err := a.Links.Verify(l.purpose, token); err != nil {
			t.Errorf("%s link a minute before its %v: %v", l.purpose, l.ttl, err)
		}
		c.Set(issued.Add(l.ttl))
		if _, err := a.Links.Verify(l.purpose, token); !errors.Is(err, links.ErrExpired) {
			t.Errorf("%s link after its %v: %v, want expired", l.purpose, l.ttl, err)
		}
	}
}

// TestOneSchedulerHoldsEveryJob: the mail worker and every periodic job are
// registered on the application's scheduler; reminders only when enabled.
func TestOneSchedulerHoldsEveryJob(t *testing.T) {
	cfg := testConfig(t)
	a, err := app.New(cfg, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"mail", "abandoned uploads deleted", "stale sign-in records deleted", "archived decided demands", "digests sent", "history sealed", "implicit decisions recorded", "deadline warnings and lapses sent", "deadline due times recomputed", "retention applied", "service reminders sent"}
	if got := a.Jobs.Names(); !slices.Equal(got, want) {
		t.Fatalf("jobs %q, want %q", got, want)
	}
	cfg.ReminderDays = 0
	if a, err = app.New(cfg, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), nil); err != nil {
		t.Fatal(err)
	}
	if got := a.Jobs.Names(); slices.Contains(got, "service reminders sent") {
		t.Fatalf("reminders scheduled with REMINDER_DAYS=0: %q", got)
	}
}

func TestProductionNeedsSMTP(t *testing.T) {
	cfg := testConfig(t)
	cfg.Env = "production"
	cfg.LinkKeys = []string{config.NewKey()}
	if _, err := app.New(cfg, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), nil); err == nil {
		t.Fatal("production without SMTP_URL was wired")
	}
}
