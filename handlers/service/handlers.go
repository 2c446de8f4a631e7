// Package service is what a commune's services do through their signed
// links: a demand's page, its print, its files, the service's actions and
// its board. Its routes are in routes.go; each action has its file, named
// noun_verb. The link's check itself is the domain's (guichet/servicelink).
package service

import "guichet/handlers/web"

// Handlers are the service link pages and actions.
type Handlers struct {
	*web.Base
}

// New returns the service link handlers on b.
func New(b *web.Base) *Handlers { return &Handlers{Base: b} }
