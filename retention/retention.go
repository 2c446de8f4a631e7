// Package retention keeps only what the law allows (GDPR art. 5-1-e): each
// procedure keeps its decided demands some months after the decision, an
// untouched draft expires after DraftMonths (its citizen told
// DraftNoticeDays before, with a link to keep it), a conversation without
// a demand some months after its resolution, and a mail received that
// opened no conversation as many months after its receipt. What expires is anonymised,
// not deleted (Anonymiser): its reference, procedure, motif, tags, states,
// dates, services and delays stay, so that every indicator stays right,
// and its citizen's identity, free texts and files go. The daily job is
// Job; a citizen's rights of access, portability and erasure (art. 15, 20,
// 17) are Find, Export and Erase. The rules are here, once: Rules, and
// Facts for a commune (what its personal data page says).
package retention

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"guichet/history"
	"guichet/models"
)

// The rules (the national platform's: démarches-simplifiées).
const (
	// DefaultMonths is how long a decided demand is kept by default, in
	// months after its decision; MinMonths and MaxMonths bound what an
	// admin may set, a procedure's and the commune's conversations'.
	DefaultMonths = 12
	MinMonths     = 1
	MaxMonths     = 60
	// DraftMonths: a draft untouched that long expires; its citizen is told
	// DraftNoticeDays before at least.
	DraftMonths     = 3
	DraftNoticeDays = 14
)

// Rules are the numbers the queries apply.
var Rules = models.RetentionRules{DraftMonths: DraftMonths, DraftNoticeDays: DraftNoticeDays}

// ParseMonths reads a retention typed by an admin: a whole number of
// months within the bounds, or a French message saying what is wrong.
func ParseMonths(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < MinMonths || n > MaxMonths {
		return 0, fmt.Errorf("Indiquez un nombre entier de mois entre %d et %d.", MinMonths, MaxMonths)
	}
	return n, nil
}

// Facts are a commune's retention rules, for a person: what the personal
// data page and the supervisor's pages say.
type Facts struct {
	Procedures         []ProcedureFact
	DraftMonths        int
	DraftNoticeDays    int
	ConversationMonths int
}

// ProcedureFact is how long one procedure keeps its decided demands.
type ProcedureFact struct {
	ID     int64
	Title  string
	Active bool
	Months int
}

// CommuneFacts reads a commune's retention rules.
func CommuneFacts(ctx context.Context, db bun.IDB, communeID int64) (Facts, error) {
	c, err := models.CommuneByID(ctx, db, communeID)
	if err != nil {
		return Facts{}, err
	}
	ps, err := models.AllProcedures(ctx, db, communeID)
	if err != nil {
		return Facts{}, err
	}
	f := Facts{DraftMonths: DraftMonths, DraftNoticeDays: DraftNoticeDays, ConversationMonths: c.ConversationRetentionMonths}
	for _, p := range ps {
		f.Procedures = append(f.Procedures, ProcedureFact{ID: p.ID, Title: p.Title, Active: p.Active, Months: p.RetentionMonths})
	}
	return f, nil
}

// Lines word the facts in French, one sentence each.
func (f Facts) Lines() []string {
	out := make([]string, 0, len(f.Procedures)+5)
	for _, p := range f.Procedures {
		out = append(out, fmt.Sprintf("« %s » : les demandes sont conservées %s après leur décision, puis anonymisées.", p.Title, months(p.Months)))
	}
	return append(out,
		fmt.Sprintf("Un brouillon non modifié pendant %s expire et son contenu est effacé ; un e-mail prévient %d jours avant, avec un lien pour le conserver.", months(f.DraftMonths), f.DraftNoticeDays),
		fmt.Sprintf("Les messages sans demande sont conservés %s après leur résolution, puis anonymisés.", months(f.ConversationMonths)),
		fmt.Sprintf("Les courriels reçus qui n'ont ouvert aucune conversation (expéditeur refusé ou à vérifier, retour d'erreur, message illisible) sont effacés %s après leur réception.", months(f.ConversationMonths)),
		"Les avis déposés sur « Je donne mon avis » sont conservés tant qu'ils sont publiés ; ils sont effacés, avec la réponse du service, à la demande de leur auteur.",
		"Une demande en cours d'instruction est conservée jusqu'à sa décision.",
	)
}

func months(n int) string { return strconv.Itoa(n) + " mois" }

// Reasons of an anonymisation, recorded in its history entry.
const (
	ReasonExpiry   = "expiry"   // its retention ended
	ReasonRequest  = "request"  // the citizen asked (GDPR art. 17)
	ReasonDecision = "decision" // the commune decided
)

// ReasonLabels word the reasons.
var ReasonLabels = map[string]string{
	ReasonExpiry:   "durée de conservation écoulée",
	ReasonRequest:  "demande de la personne concernée (RGPD, art. 17)",
	ReasonDecision: "décision de la commune",
}

// KindAnonymised is the history entry of an anonymisation (a demand's or a
// conversation's), its reason in the details.
const KindAnonymised = "anonymised"

func init() {
	history.Register(history.Kind{Name: KindAnonymised, Agent: func(e models.Event) string {
		r, _ := e.Details["reason"].(string)
		return "Données personnelles effacées : " + ReasonLabels[r]
	}})
}
