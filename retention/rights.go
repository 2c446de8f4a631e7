package retention

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/calendar"
	"guichet/forms"
	"guichet/models"
	"guichet/workflow"
)

// Holdings is everything a commune holds about an e-mail address (GDPR
// art. 15): its demands (drafts included) with their answers, files and
// history, its conversations with their messages and files, the mails
// received from it that no conversation took, and the experiences it
// posted ("Je donne mon avis").
type Holdings struct {
	Email         string
	Demands       []HeldDemand
	Conversations []HeldConversation
	Mails         []HeldMail
	// Experiences may always be erased: no legal duty keeps them.
	Experiences []models.Experience
	// Limited: the agent's profile left some out (Within).
	Limited bool
}

// HeldDemand is a demand as held, and why it must be kept ("" when the
// citizen may have it erased).
type HeldDemand struct {
	Demand    models.Demand
	Procedure string
	Answers   []Answer
	Files     []models.Attachment
	History   []models.Event
	Kept      string
}

// Answer is one answer of a form, as the receipt words it.
type Answer struct{ Label, Value string }

// HeldConversation is a conversation, its messages (notes included: they
// are about the person) and files, and why it must be kept.
type HeldConversation struct {
	Conversation models.Conversation
	Messages     []models.Message
	Kept         string
}

// HeldMail is a mail received from the address that no conversation took.
type HeldMail struct {
	ReceivedAt time.Time
	Subject    string
	Status     string
}

// Find gathers what a commune holds about email, and whether each part
// may be erased on today.
func Find(ctx context.Context, db bun.IDB, communeID int64, email string, today calendar.Date) (*Holdings, error) {
	h := &Holdings{Email: strings.TrimSpace(email)}
	var ds []models.Demand
	if err := db.NewSelect().Model(&ds).Where("commune_id = ? AND lower(citizen_email) = lower(?) AND anonymised_at IS NULL", communeID, h.Email).
		Order("created_at", "id").Scan(ctx); err != nil {
		return nil, err
	}
	kept := map[int64]string{} // a demand's reference, when kept, for its conversations
	for i := range ds {
		d := &ds[i]
		p, err := models.DemandProcedure(ctx, db, d)
		if err != nil {
			return nil, err
		}
		hd := HeldDemand{Demand: *d, Procedure: p.Title, Kept: demandKept(d, p, today)}
		for _, f := range forms.Answered(p.Form, d.Data) {
			if f.Type != "file" {
				hd.Answers = append(hd.Answers, Answer{f.Label, forms.Display(f, d.Data[f.Name])})
			}
		}
		if err := db.NewSelect().Model(&hd.Files).Where("commune_id = ? AND demand_id = ?", communeID, d.ID).Order("id").Scan(ctx); err != nil {
			return nil, err
		}
		if hd.History, err = models.History(ctx, db, communeID, d.ID, false); err != nil {
			return nil, err
		}
		if hd.Kept != "" {
			kept[d.ID] = d.Reference
		}
		h.Demands = append(h.Demands, hd)
	}
	var cvs []models.Conversation
	if err := db.NewSelect().Model(&cvs).Where("commune_id = ? AND lower(citizen_email) = lower(?) AND anonymised_at IS NULL", communeID, h.Email).
		Order("created_at", "id").Scan(ctx); err != nil {
		return nil, err
	}
	for _, cv := range cvs {
		ms, err := models.Thread(ctx, db, communeID, cv.ID, false)
		if err != nil {
			return nil, err
		}
		hc := HeldConversation{Conversation: cv, Messages: ms}
		switch {
		case cv.DemandID != nil && kept[*cv.DemandID] != "":
			hc.Kept = "Liée à la demande " + kept[*cv.DemandID] + ", conservée avec elle."
		case cv.DemandID == nil && cv.Status != models.ConvResolved:
			hc.Kept = "En cours : conservée jusqu'à sa résolution."
		}
		h.Conversations = append(h.Conversations, hc)
	}
	if err := db.NewSelect().Model((*models.InboundMessage)(nil)).Column("received_at", "subject", "status").
		Where("commune_id = ? AND conversation_id IS NULL AND conversation_message_id IS NULL AND anonymised_at IS NULL", communeID).
		Where("lower(sender) = lower(?) OR lower(envelope_from) = lower(?)", h.Email, h.Email).
		Order("received_at").Scan(ctx, &h.Mails); err != nil {
		return nil, err
	}
	if err := db.NewSelect().Model(&h.Experiences).ColumnExpr("x.*").ColumnExpr("coalesce(s.name, '') AS service_name").
		Join("LEFT JOIN services AS s ON s.commune_id = x.commune_id AND s.id = x.service_id").
		Where("x.commune_id = ? AND lower(x.author_email) = lower(?) AND x.anonymised_at IS NULL", communeID, h.Email).
		Order("x.created_at", "x.id").Scan(ctx); err != nil {
		return nil, err
	}
	return h, nil
}

// demandKept says why a demand must be kept (GDPR art. 17-3-b: the
// commune's legal duty), "" for a draft, which nothing keeps.
func demandKept(d *models.Demand, p *models.Procedure, today calendar.Date) string {
	switch {
	case d.State == string(workflow.Draft):
		return ""
	case d.DecidedAt == nil:
		return "En cours d'instruction : conservée jusqu'à sa décision, puis " + months(p.RetentionMonths) + "."
	default:
		until := calendar.DateOf(*d.DecidedAt).AddMonths(p.RetentionMonths)
		return fmt.Sprintf("Décidée le %s : conservée jusqu'au %s (durée de conservation de la démarche, %s).",
			calendar.DateOf(*d.DecidedAt).French(), until.French(), months(p.RetentionMonths))
	}
}

// Within keeps what an agent may see: the demands of the procedures of its
// profile, the conversations about them or about none, and the mails and
// experiences, which belong to no procedure; Limited says something was
// left out.
func (h *Holdings) Within(a workflow.Actor) *Holdings {
	out := &Holdings{Email: h.Email, Mails: h.Mails, Experiences: h.Experiences}
	seen := map[int64]bool{}
	for _, d := range h.Demands {
		if a.MaySee(&d.Demand) {
			out.Demands = append(out.Demands, d)
			seen[d.Demand.ID] = true
		}
	}
	for _, c := range h.Conversations {
		cv := c.Conversation
		if (cv.DemandID != nil && seen[*cv.DemandID]) || (cv.DemandID == nil && (cv.ProcedureID == nil || a.InScope(*cv.ProcedureID))) {
			out.Conversations = append(out.Conversations, c)
		}
	}
	out.Limited = len(out.Demands) < len(h.Demands) || len(out.Conversations) < len(h.Conversations)
	return out
}

// Empty tells whether nothing is held.
func (h *Holdings) Empty() bool {
	return len(h.Demands) == 0 && len(h.Conversations) == 0 && len(h.Mails) == 0 && len(h.Experiences) == 0
}

// Outcome is what an erasure did: what it erased and what it kept, and why.
type Outcome struct {
	Erased []string // references
	Kept   []string // "reference : why"
	Mails  int      // mails received from the address, erased
	// Experiences anonymised: a published one leaves the public page.
	Experiences int
}

// Erase anonymises what h holds (Find, Within) that no legal duty keeps
// (GDPR art. 17), for reason (ReasonRequest or ReasonDecision), by actor
// at now, and tells what it erased and what it kept.
func (a *Anonymiser) Erase(ctx context.Context, communeID int64, h *Holdings, reason string, actor workflow.Actor, now time.Time) (*Outcome, error) {
	var err error
	out := &Outcome{}
	for _, d := range h.Demands {
		if d.Kept != "" {
			out.Kept = append(out.Kept, d.Demand.Reference+" : "+d.Kept)
			continue
		}
		if _, err := a.Demand(ctx, communeID, d.Demand.ID, reason, actor, now); err != nil {
			return nil, err
		}
		out.Erased = append(out.Erased, d.Demand.Reference)
	}
	for _, c := range h.Conversations {
		if c.Kept != "" {
			out.Kept = append(out.Kept, c.Conversation.Reference+" : "+c.Kept)
			continue
		}
		done, err := a.Conversation(ctx, communeID, c.Conversation.ID, reason, actor, now)
		if err != nil {
			return nil, err
		}
		if done {
			out.Erased = append(out.Erased, c.Conversation.Reference)
		}
	}
	if out.Mails, err = models.EraseMailsReceivedFrom(ctx, a.DB, communeID, h.Email, reason, now); err != nil {
		return nil, err
	}
	for _, x := range h.Experiences {
		done, err := a.Experience(ctx, communeID, x.ID, reason, now)
		if err != nil {
			return nil, err
		}
		if done {
			out.Experiences++
		}
	}
	if len(out.Kept) == 0 && !h.Limited {
		err = models.ForgetRateLimits(ctx, a.DB, h.Email)
	}
	return out, err
}
