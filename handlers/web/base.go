// Package web is what the handlers of several audiences share: their
// dependencies (Base), rendering, flash messages and errors (render.go),
// keyset paging (keyset.go), middleware (middleware.go, text_guard.go),
// receiving and sending files, and the demand's data, files and history as
// pages show them. Only what at least two of citizen, backoffice and
// service use lives here.
package web

import (
	"log/slog"

	"github.com/uptrace/bun"

	"guichet/clock"
	"guichet/config"
	"guichet/conversation"
	"guichet/files"
	"guichet/inbound"
	"guichet/jobs"
	"guichet/links"
	"guichet/metrics"
	"guichet/notify"
	"guichet/replica"
	"guichet/retention"
	"guichet/routing"
	"guichet/satisfaction"
	"guichet/views"
	"guichet/workflow"
)

// Base holds what every handler needs; each audience's Handlers embeds it.
type Base struct {
	DB       *bun.DB
	Config   *config.Config
	Views    *views.Renderer
	Links    *links.Signer
	Notifier *notify.Notifier
	Engine   *workflow.Engine
	// Conversations: the exchanges with citizens (conversation.Manager).
	Conversations *conversation.Manager
	Routing       *routing.Manager
	Files         *files.Store      // uploaded documents, outside the web root
	Inbound       *inbound.Receiver // the mail received: replayed or accepted by a supervisor
	Jobs          *jobs.Scheduler   // deferred work: Wake(jobs.MailJob) after enqueuing mail
	Log           *slog.Logger
	Clock         clock.Clock // the one clock of the application (app.New)
	Metrics       *metrics.Metrics
	// Satisfaction: ratings of answers and experiences (satisfaction.Manager).
	Satisfaction *satisfaction.Manager
	Reads        *replica.Reader       // where read-only pages read (ReadDB)
	Retention    *retention.Anonymiser // anonymises on a citizen's request (retention/)
}
