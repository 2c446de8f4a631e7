package routing

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"guichet/models"
	"guichet/workflow"
)

// conversationChannels are the rules' channels of a conversation's
// (models.Channel*): the same ways in, named as the rules name them.
var conversationChannels = map[string]string{
	models.ChannelWeb: ChannelWeb, models.ChannelEmail: "email", models.ChannelPhone: "telephone", models.ChannelCounter: "guichet",
}

// ConversationSubject is a conversation as rules see it: the channel it
// came by, its procedure and that procedure's motif (a conversation has no
// motif of its own), its subject and first message as the text, the
// citizen's e-mail domain and its tags. It has no form: a condition on a
// form field never holds for it.
func ConversationSubject(cv *models.Conversation, first *models.Message, procedureMotif *int64, motifs models.MotifTree, tags []string) Subject {
	s := Subject{Channel: conversationChannels[cv.Channel], Motifs: motifs.Lineage(procedureMotif), Text: cv.Subject,
		SenderDomain: domainOf(cv.CitizenEmail), Tags: tags}
	if cv.ProcedureID != nil {
		s.ProcedureID = *cv.ProcedureID
	}
	if first != nil {
		s.Text += "\n" + first.Body
	}
	return s
}

// conversationSubject loads what ConversationSubject needs of a conversation.
func conversationSubject(ctx context.Context, db bun.IDB, cv *models.Conversation, first *models.Message, motifs models.MotifTree, tags []string) (Subject, error) {
	var motif *int64
	if cv.ProcedureID != nil {
		p, err := models.ProcedureByID(ctx, db, cv.CommuneID, *cv.ProcedureID)
		if err != nil {
			return Subject{}, err
		}
		motif = p.MotifID
	}
	return ConversationSubject(cv, first, motif, motifs, tags), nil
}

// RouteConversation runs the rules on a conversation, with its first
// message, in the caller's transaction (the opening's, as the system, or
// an agent's "Appliquer les règles"): team, agent, tags and priority are
// set here; the saved reply a rule chose (the first one) is returned for
// the conversation to send, with how many rules acted. A transfer or a
// deadline policy is a demand's: it does nothing here.
func (m *Manager) RouteConversation(ctx context.Context, tx bun.Tx, cv *models.Conversation, first *models.Message, by workflow.Actor) (*models.SavedReply, int, error) {
	set, err := m.load(ctx, tx, cv.CommuneID)
	if err != nil || len(set.Rules) == 0 {
		return nil, 0, err
	}
	motifs, err := models.Motifs(ctx, tx, cv.CommuneID)
	if err != nil {
		return nil, 0, err
	}
	tags, err := models.TagNames(ctx, tx, "conversation_tags", "conversation_id", cv.CommuneID, []int64{cv.ID})
	if err != nil {
		return nil, 0, err
	}
	sub, err := conversationSubject(ctx, tx, cv, first, motifs, tags[cv.ID])
	if err != nil {
		return nil, 0, err
	}
	acting := set.Evaluate(sub)
	if len(acting) == 0 {
		return nil, 0, nil
	}
	row := &conversationRow{cv: cv}
	if err := m.apply(ctx, tx, row, acting, by); err != nil {
		return nil, 0, err
	}
	return row.reply, len(acting), nil
}

// conversationRow is a conversation as rules act on it.
type conversationRow struct {
	cv    *models.Conversation
	reply *models.SavedReply
}

func (r *conversationRow) event() *models.Event {
	return &models.Event{CommuneID: r.cv.CommuneID, ConversationID: r.cv.ID}
}
func (r *conversationRow) tags() (string, int64)    { return "conversation_tags", r.cv.ID }
func (r *conversationRow) setTeam(serviceID *int64) { r.cv.ServiceID = serviceID }
func (r *conversationRow) setAgent(id int64)        { r.cv.AssigneeID = &id }
func (r *conversationRow) setPriority(p int16)      { r.cv.Priority = p }
func (r *conversationRow) update(tx bun.Tx) *bun.UpdateQuery {
	return tx.NewUpdate().Model(r.cv).Column("priority", "service_id", "assignee_id").
		Where("commune_id = ? AND id = ?", r.cv.CommuneID, r.cv.ID)
}

// act: a saved reply, the first a rule chose.
func (r *conversationRow) act(_ context.Context, _ bun.Tx, _ *Rule, a models.RuleAction, tg *targets, _ time.Time) (string, error) {
	if a.Kind != ActionReply {
		return "", nil
	}
	sr := tg.replies[a.ReplyID]
	if r.reply != nil {
		return "réponse « " + sr.Title + " » non retenue : une règle précédente en a choisi une", nil
	}
	r.reply = &sr
	return "réponse enregistrée « " + sr.Title + " » envoyée à l'usager", nil
}
