// Package citizen is the commune's public portal and the citizen's journey:
// finding a procedure, filling and submitting a draft, following the demand
// through its follow link, answering a request for correction. Its routes
// are in routes.go; each action has its file, named noun_verb.
package citizen

import "guichet/handlers/web"

// Handlers are the citizen's pages and actions.
type Handlers struct {
	*web.Base
}

// New returns the citizen's handlers on b.
func New(b *web.Base) *Handlers { return &Handlers{Base: b} }
