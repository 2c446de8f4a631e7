package conversation

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/models"
	"guichet/validate"
	"guichet/workflow"
)

// KindForwarded is a citizen's message forwarded to an outside interlocutor.
const KindForwarded = "conversation_forwarded"

// ForwardTag is the tag a forwarded conversation carries.
const ForwardTag = "transfert"

// Forward sends a citizen's message of the conversation to an outside
// address (another administration) with a covering note, tells the citizen
// it was forwarded and to whom (a message in the thread, e-mailed), and
// tags the conversation "transfert". The outside answer, by e-mail, will
// come back through the conversation's reply address.
func (m *Manager) Forward(ctx context.Context, cm *models.Commune, actor workflow.Actor, conversationID, messageID int64, to, note string) error {
	if err := direct(actor); err != nil {
		return err
	}
	to, note = strings.TrimSpace(to), strings.TrimSpace(note)
	errs := map[string]string{}
	if !validate.IsAddress(to) {
		errs["destinataire"] = validate.AddressMessage("service@autre-administration.fr")
	}
	if len([]rune(note)) > MaxBody {
		errs["note"] = "La note est trop longue (10 000 caractères au plus)."
	}
	if len(errs) > 0 {
		return apperr.Fields(errs)
	}
	return m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cv, err := lockFor(ctx, tx, actor, conversationID)
		if err != nil {
			return err
		}
		var msg models.Message
		err = tx.NewSelect().Model(&msg).Where("commune_id = ? AND conversation_id = ? AND id = ? AND author_kind = ? AND NOT internal",
			cv.CommuneID, cv.ID, messageID, workflow.KindCitizen).Scan(ctx)
		if err != nil {
			return apperr.Field("message_transmis", "Choisissez un message de l'usager dans la liste.")
		}
		if err := m.Notifier.Forwarded(ctx, tx, cm, cv, &msg, to, note); err != nil {
			return err
		}
		if err := m.record(ctx, tx, cv, actor, KindForwarded, map[string]any{"to": to, "note": note, "message_id": msg.ID}); err != nil {
			return err
		}
		now := m.Clock.Now()
		t, err := models.TagNamed(ctx, tx, cv.CommuneID, ForwardTag, now)
		if err != nil {
			return err
		}
		if tagged, err := models.SetTagged(ctx, tx, "conversation_tags", cv.CommuneID, cv.ID, t.ID, true, now); err != nil {
			return err
		} else if tagged {
			if err := m.record(ctx, tx, cv, actor, KindTagged, map[string]any{"tag": t.Name}); err != nil {
				return err
			}
		}
		// The citizen is told, in the thread and by e-mail (CRPA L114-2).
		_, err = m.post(ctx, tx, cm, cv, actor, MessageInput{Channel: models.ChannelWeb,
			Body: fmt.Sprintf("Votre message du %s a été transmis à %s, compétent pour y répondre. La mairie vous tiendra informé de la suite.", m.Clock.Now().In(paris).Format("02/01/2006"), to)}, false)
		return err
	})
}
