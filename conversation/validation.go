package conversation

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/history"
	"guichet/models"
	"guichet/workflow"
)

// History kinds of replies held for validation: internal, the citizen
// learns nothing of a reply before it is sent.
const (
	KindHeld      = "conversation_reply_held"
	KindValidated = "conversation_reply_validated"
	KindReturned  = "conversation_reply_returned"
)

func init() {
	history.Register(history.Kind{Name: KindHeld, Agent: func(e models.Event) string { return "Réponse soumise à validation" }})
	history.Register(history.Kind{Name: KindValidated, Agent: func(e models.Event) string {
		return "Réponse validée et envoyée" + byAuthor(e)
	}})
	history.Register(history.Kind{Name: KindReturned, Agent: func(e models.Event) string {
		s := "Réponse renvoyée à son auteur" + byAuthor(e)
		if c := detail("comment")(e); c != "" {
			s += " : " + c
		}
		return s
	}})
}

// byAuthor names a held reply's author in a history entry.
func byAuthor(e models.Event) string {
	if a := detail("author")(e); a != "" {
		return " (rédigée par " + a + ")"
	}
	return ""
}

// MaxComment bounds a validator's comment.
const MaxComment = 2000

// holds tells whether a message is a reply that waits for validation: a
// reply to the citizen, by web or e-mail, of an agent who replies only
// through validation. A note or a call logged is never held.
func holds(actor workflow.Actor, in MessageInput) bool {
	return actor.Kind == workflow.KindAgent && actor.Perms.RepliesHeld() && !in.Internal &&
		(in.Channel == models.ChannelWeb || in.Channel == models.ChannelEmail)
}

// direct refuses what would reach the citizen at once (opening a
// conversation, which mails them, or forwarding, which tells them) to an
// agent whose replies wait for validation.
func direct(actor workflow.Actor) error {
	if actor.Kind == workflow.KindAgent && actor.Perms.RepliesHeld() {
		return apperr.New(apperr.Forbidden, "Votre profil répond aux usagers sous validation : demandez à un agent qui valide les réponses de le faire, ou rédigez une réponse dans la conversation.")
	}
	return nil
}

// hold keeps a reply for validation in a locked conversation.
func (m *Manager) hold(ctx context.Context, tx bun.Tx, cv *models.Conversation, actor workflow.Actor, in MessageInput) error {
	if len(in.Files) > 0 {
		return apperr.Field("fichier", "Une réponse soumise à validation ne prend pas de pièce jointe : envoyez la pièce une fois la réponse validée, ou demandez à un agent qui valide de le faire.")
	}
	now := m.Clock.Now()
	r := &models.PendingReply{CommuneID: cv.CommuneID, ConversationID: cv.ID, AuthorID: actor.ID, AuthorName: actor.Name,
		Body: in.Body, Status: models.ReplyWaiting, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := models.InsertPendingReply(ctx, tx, r); err != nil {
		return err
	}
	return m.record(ctx, tx, cv, actor, KindHeld, map[string]any{"reply_id": r.ID})
}

// pending locks a conversation the actor may act on and its held reply,
// as the actor's page showed it: sent or changed since, it is refused.
func (m *Manager) pending(ctx context.Context, tx bun.Tx, actor workflow.Actor, conversationID, replyID int64, version int) (*models.Conversation, *models.PendingReply, error) {
	cv, err := lockFor(ctx, tx, actor, conversationID)
	if err != nil {
		return nil, nil, err
	}
	r, err := models.LockPendingReply(ctx, tx, cv.CommuneID, cv.ID, replyID)
	if err == models.ErrNotFound || (err == nil && r.Version != version) {
		return nil, nil, apperr.New(apperr.Conflict, "Cette réponse a été modifiée entre-temps par quelqu'un d'autre (envoyée, renvoyée ou corrigée). Rechargez la page pour voir son état actuel, puis recommencez.")
	}
	return cv, r, err
}

// SendHeld sends a held reply, as the validator edited it: it joins the
// thread as its author's message and reaches the citizen, once; the
// history says who validated it. Two validators at once: one sends it,
// the other is told it changed meanwhile.
func (m *Manager) SendHeld(ctx context.Context, cm *models.Commune, actor workflow.Actor, conversationID, replyID int64, version int, body string) error {
	in := MessageInput{Body: body, Channel: models.ChannelWeb}
	if err := in.check(actor); err != nil {
		return err
	}
	return m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cv, r, err := m.pending(ctx, tx, actor, conversationID, replyID, version)
		if err != nil {
			return err
		}
		if r.Status != models.ReplyWaiting {
			return apperr.New(apperr.Conflict, "Cette réponse a été renvoyée à son auteur : elle ne peut partir qu'une fois qu'il l'a corrigée.")
		}
		author := workflow.Actor{Kind: workflow.KindAgent, ID: r.AuthorID, Name: r.AuthorName, CommuneID: cv.CommuneID, Channel: workflow.ChannelWeb}
		msg, err := m.post(ctx, tx, cm, cv, author, in, false)
		if err != nil {
			return err
		}
		if err := models.DeletePendingReply(ctx, tx, r); err != nil {
			return err
		}
		return m.record(ctx, tx, cv, actor, KindValidated, map[string]any{"author": r.AuthorName, "message_id": msg.ID})
	})
}

// ReturnHeld returns a held reply to its author with a comment, which
// they read on the conversation's page.
func (m *Manager) ReturnHeld(ctx context.Context, actor workflow.Actor, conversationID, replyID int64, version int, comment string) error {
	comment = strings.TrimSpace(comment)
	switch {
	case comment == "":
		return apperr.Field("commentaire", "Dites à l'auteur ce qu'il faut changer.")
	case len([]rune(comment)) > MaxComment:
		return apperr.Field("commentaire", "Le commentaire est trop long (2 000 caractères au plus).")
	}
	return m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cv, r, err := m.pending(ctx, tx, actor, conversationID, replyID, version)
		if err != nil {
			return err
		}
		if r.Status != models.ReplyWaiting {
			return apperr.New(apperr.Conflict, "Cette réponse a déjà été renvoyée à son auteur.")
		}
		r.Status, r.Comment, r.ReturnedBy, r.UpdatedAt = models.ReplyReturned, comment, actor.Name, m.Clock.Now()
		if err := models.UpdatePendingReply(ctx, tx, r); err != nil {
			return err
		}
		return m.record(ctx, tx, cv, actor, KindReturned, map[string]any{"author": r.AuthorName, "comment": comment})
	})
}

// ReviseHeld is the author correcting their held reply (returned or still
// waiting): it waits for validation again.
func (m *Manager) ReviseHeld(ctx context.Context, actor workflow.Actor, conversationID, replyID int64, version int, body string) error {
	in := MessageInput{Body: body, Channel: models.ChannelWeb}
	if err := in.check(actor); err != nil {
		return err
	}
	return m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cv, r, err := m.pending(ctx, tx, actor, conversationID, replyID, version)
		if err != nil {
			return err
		}
		if r.AuthorID != actor.ID {
			return apperr.New(apperr.Forbidden, "Seul l'auteur d'une réponse peut la corriger ; un agent qui valide la modifie en l'envoyant.")
		}
		r.Body, r.Status, r.UpdatedAt = in.Body, models.ReplyWaiting, m.Clock.Now()
		if err := models.UpdatePendingReply(ctx, tx, r); err != nil {
			return err
		}
		return m.record(ctx, tx, cv, actor, KindHeld, map[string]any{"reply_id": r.ID})
	})
}
