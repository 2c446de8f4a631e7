// Package ops is what a load balancer and an operator's probes ask the
// application: whether the process is alive (/healthz) and whether it can
// serve (/readyz). The metrics are not here: they are served on a listener
// of their own (metrics.Handler, METRICS_ADDR), never on the public router.
package ops

import "guichet/handlers/web"

// Handlers are the probes' handlers.
type Handlers struct {
	*web.Base
	db outage // the database's failed pings, for /readyz
}

// New returns the probes' handlers on b.
func New(b *web.Base) *Handlers { return &Handlers{Base: b} }
