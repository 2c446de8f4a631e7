package conversation

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/models"
	"guichet/tag"
	"guichet/workflow"
)

// change locks a conversation the agent may act on, checks the version
// their page showed, lets apply change it and records it.
func (m *Manager) change(ctx context.Context, actor workflow.Actor, id int64, version int, apply func(tx bun.Tx, cv *models.Conversation) error) (*models.Conversation, error) {
	var cv *models.Conversation
	err := m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if cv, err = lockFor(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := stale(cv, version); err != nil {
			return err
		}
		cv.UpdatedAt = m.Clock.Now()
		return apply(tx, cv)
	})
	return cv, err
}

// SetStatus changes a conversation's status.
func (m *Manager) SetStatus(ctx context.Context, actor workflow.Actor, id int64, version int, status string) (*models.Conversation, error) {
	if StatusLabel(status) == status {
		return nil, apperr.Field("statut", "Choisissez un statut de la liste.")
	}
	return m.change(ctx, actor, id, version, func(tx bun.Tx, cv *models.Conversation) error {
		if cv.Status == status {
			return nil
		}
		cv.Status = status
		cv.ResolvedAt = nil
		if status == models.ConvResolved {
			now := m.Clock.Now()
			cv.ResolvedAt = &now
		}
		if err := models.UpdateConversation(ctx, tx, cv, true, "status", "resolved_at"); err != nil {
			return err
		}
		if err := m.clocks(ctx, tx, cv, false); err != nil {
			return err
		}
		if err := m.record(ctx, tx, cv, actor, KindStatus, map[string]any{}); err != nil {
			return err
		}
		if status == models.ConvResolved {
			return m.askRating(ctx, tx, cv)
		}
		return nil
	})
}

// askRating asks the citizen to rate the answer of a conversation just
// resolved, the first time only (a conversation reopened and resolved
// again is not asked twice).
func (m *Manager) askRating(ctx context.Context, tx bun.Tx, cv *models.Conversation) error {
	if cv.CitizenEmail == "" {
		return nil
	}
	asked, err := models.ConversationRated(ctx, tx, cv.CommuneID, cv.ID)
	if err != nil || asked {
		return err
	}
	c, err := models.CommuneByID(ctx, tx, cv.CommuneID)
	if err != nil {
		return err
	}
	r := &models.Rating{ConversationID: &cv.ID, ServiceID: cv.ServiceID, ProcedureID: cv.ProcedureID, Email: cv.CitizenEmail}
	return m.Notifier.RequestRating(ctx, tx, c, r, "la réponse à votre message « "+cv.Subject+" »")
}

// Assign gives a conversation to an active agent of the commune who may
// reply to citizens (0: to nobody).
func (m *Manager) Assign(ctx context.Context, actor workflow.Actor, id int64, version int, agentID int64) (*models.Conversation, error) {
	var name string
	if agentID != 0 {
		a, err := models.AgentByID(ctx, m.DB, actor.CommuneID, agentID)
		if err != nil || !a.Active || !a.Converses() {
			return nil, apperr.Field("agent", "Choisissez un agent de la liste.")
		}
		name = a.Name
	}
	return m.change(ctx, actor, id, version, func(tx bun.Tx, cv *models.Conversation) error {
		if (cv.AssigneeID == nil && agentID == 0) || (cv.AssigneeID != nil && *cv.AssigneeID == agentID) {
			return nil
		}
		cv.AssigneeID = nil
		if agentID != 0 {
			cv.AssigneeID = &agentID
		}
		if err := models.UpdateConversation(ctx, tx, cv, true, "assignee_id"); err != nil {
			return err
		}
		return m.record(ctx, tx, cv, actor, KindAssigned, map[string]any{"agent": name})
	})
}

// SetTeam gives a conversation to the accueil (0) or to an active service.
func (m *Manager) SetTeam(ctx context.Context, actor workflow.Actor, id int64, version int, serviceID int64) (*models.Conversation, error) {
	team := "Accueil"
	if serviceID != 0 {
		s, err := models.ServiceByID(ctx, m.DB, actor.CommuneID, serviceID)
		if err != nil || !s.Active {
			return nil, apperr.Field("equipe", "Choisissez une équipe de la liste.")
		}
		team = s.Name
	}
	return m.change(ctx, actor, id, version, func(tx bun.Tx, cv *models.Conversation) error {
		if (cv.ServiceID == nil && serviceID == 0) || (cv.ServiceID != nil && *cv.ServiceID == serviceID) {
			return nil
		}
		cv.ServiceID = nil
		if serviceID != 0 {
			cv.ServiceID = &serviceID
		}
		if err := models.UpdateConversation(ctx, tx, cv, true, "service_id"); err != nil {
			return err
		}
		return m.record(ctx, tx, cv, actor, KindTeam, map[string]any{"team": team})
	})
}

// Tag puts a tag on a conversation, creating the tag if the commune has
// none of that name; with off, takes it off. Tags change no version: two
// agents tagging at once both keep their tag.
func (m *Manager) Tag(ctx context.Context, actor workflow.Actor, id int64, name string, off bool) error {
	name, err := tag.Clean(name)
	if err != nil {
		return err
	}
	return m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cv, err := lockFor(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		now := m.Clock.Now()
		t, err := models.TagNamed(ctx, tx, cv.CommuneID, name, now)
		if err != nil {
			return err
		}
		changed, err := models.SetTagged(ctx, tx, "conversation_tags", cv.CommuneID, cv.ID, t.ID, !off, now)
		if err != nil || !changed {
			return err
		}
		kind := KindTagged
		if off {
			kind = KindUntagged
		}
		return m.record(ctx, tx, cv, actor, kind, map[string]any{"tag": t.Name})
	})
}

// Merge moves every message, file and history entry of conversation from
// into conversation into, of the same citizen (same address), which keeps
// them in order; from is then closed, pointing at into.
func (m *Manager) Merge(ctx context.Context, actor workflow.Actor, from, into int64) (*models.Conversation, error) {
	if from == into {
		return nil, apperr.Field("avec", "Choisissez une autre conversation que celle-ci.")
	}
	var target *models.Conversation
	err := m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// Locked in id order: two merges of the same pair never wait for each other.
		first, second := min(from, into), max(from, into)
		a, err := lockFor(ctx, tx, actor, first)
		if err != nil {
			return err
		}
		b, err := lockFor(ctx, tx, actor, second)
		if err != nil {
			return apperr.Field("avec", "Aucune conversation ouverte de cette référence.")
		}
		src, dst := a, b
		if src.ID != from {
			src, dst = b, a
		}
		if !strings.EqualFold(src.CitizenEmail, dst.CitizenEmail) {
			return apperr.Field("avec", "Seules deux conversations du même usager (même adresse e-mail) peuvent être fusionnées.")
		}
		if err := models.MoveMessages(ctx, tx, src.CommuneID, src.ID, dst.ID); err != nil {
			return err
		}
		if _, err := tx.NewRaw(`INSERT INTO conversation_tags (commune_id, conversation_id, tag_id, created_at)
SELECT commune_id, ?, tag_id, created_at FROM conversation_tags WHERE conversation_id = ? ON CONFLICT DO NOTHING`, dst.ID, src.ID).Exec(ctx); err != nil {
			return err
		}
		src.MergedInto, src.Status = &dst.ID, models.ConvResolved
		now := m.Clock.Now()
		src.UpdatedAt, src.ResolvedAt = now, &now
		if err := models.UpdateConversation(ctx, tx, src, true, "merged_into", "status", "resolved_at"); err != nil {
			return err
		}
		if err := m.clocks(ctx, tx, src, false); err != nil {
			return err
		}
		dst.UpdatedAt = now
		if err := models.UpdateConversation(ctx, tx, dst, true); err != nil {
			return err
		}
		target = dst
		return m.record(ctx, tx, dst, actor, KindMerged, map[string]any{"from": src.Reference})
	})
	return target, err
}
