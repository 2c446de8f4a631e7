// Package backoffice is the agents' side: sign-in, password reset and
// sessions, the lists, a demand's page and actions, notes and files,
// supervision, exports and indicators, administration, and /dev/mail in
// development. Its routes are in routes.go; each action has its file, named
// noun_verb.
package backoffice

import (
	"guichet/auth"
	"guichet/handlers/web"
)

// Handlers are the back office's pages and actions.
type Handlers struct {
	*web.Base
	authn *auth.Authenticator
}

// New returns the back office's handlers on b.
func New(b *web.Base) *Handlers {
	return &Handlers{Base: b, authn: &auth.Authenticator{DB: b.DB, Params: b.Config.PasswordParams(), Clock: b.Clock}}
}
