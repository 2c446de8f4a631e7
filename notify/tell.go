package notify

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"guichet/jobs"
	"guichet/models"
	"guichet/perm"
	"guichet/workflow"
)

// recipients are the agents to tell of an event of kind k about d, each
// with the frequency they chose for k: the commune's active agents who may
// decide on d (its procedure in their profile's scope). The one place that
// says who is told.
func recipients(ctx context.Context, db bun.IDB, c *models.Commune, d *models.Demand, k Kind) ([]models.Recipient, error) {
	var rs []models.Recipient
	err := db.NewSelect().Model(&rs).Relation("Profile").ColumnExpr("agent.*, coalesce(p.frequency, '') AS frequency").
		Join("LEFT JOIN notification_preferences AS p ON p.agent_id = agent.id AND p.kind = ?", k.Name).
		Where("agent.commune_id = ? AND agent.active", c.ID).
		Where("? = ANY(profile.permissions)", string(perm.Decide)).
		Where("(cardinality(profile.procedure_ids) = 0 OR ? = ANY(profile.procedure_ids))", d.ProcedureID).
		Order("agent.id").Scan(ctx)
	return rs, err
}

// agentNotices tells the recipients of an event of kind k about d, which
// happened at: one mail each to those who want it at once (m, rendered
// once), an item of their next digest to those who want a digest, nothing
// to the others. The items' EventID is the caller's to set.
func (n *Notifier) agentNotices(ctx context.Context, db bun.IDB, k Kind, c *models.Commune, d *models.Demand, m Mail, at time.Time, out *workflow.Notices) error {
	rs, err := recipients(ctx, db, c, d, k)
	if err != nil {
		return err
	}
	var first *models.OutboxMail
	for _, r := range rs {
		f := Frequency(r.Frequency)
		if f == "" {
			f = defaultFrequency(&r.Agent, k)
		}
		switch f {
		case Immediate:
			if first == nil {
				if first, err = n.compose(c, d, r.Email, m); err != nil {
					return err
				}
				out.Mails = append(out.Mails, first)
				continue
			}
			ob := *first
			ob.Recipient, ob.MessageID = r.Email, jobs.NewMessageID("mail", n.Host())
			out.Mails = append(out.Mails, &ob)
		case Daily, Weekly:
			out.Digest = append(out.Digest, &models.DigestItem{CommuneID: c.ID, AgentID: r.ID, Kind: k.Name,
				Cadence: string(f), DemandID: d.ID, OccurredAt: at})
		}
	}
	return nil
}
