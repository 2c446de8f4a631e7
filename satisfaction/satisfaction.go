// Package satisfaction is the citizen's word after the answer: the rating
// of an answer (a demand decided, a conversation resolved, an experience
// answered) through a signed single-use link, the follow-up a low rating
// opens for the supervisor, and the experiences of "Je donne mon avis":
// posted, moderated by a supervisor (never the service concerned), routed
// to a service, answered publicly once validated, rated, improved on.
// Every mail goes through the outbox in the change's transaction.
package satisfaction

import (
	"guichet/clock"
	"guichet/links"
	"guichet/notify"

	"github.com/uptrace/bun"
)

// Manager holds what ratings and experiences need.
type Manager struct {
	DB       *bun.DB
	Notifier *notify.Notifier
	Links    *links.Signer
	Clock    clock.Clock
}

// Limits of what people type.
const (
	MaxComment = 2000
	MaxBody    = 4000
)
