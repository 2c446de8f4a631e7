package migrations_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"guichet/conversation"
	"guichet/fixture"
	"guichet/migrations"
	"guichet/models"
	"guichet/testdb"
)

// mailTexts are the texts of mails, by id, as erasure must leave them
// (nothing) or find them (something).
func mailTexts(t *testing.T, db *bun.DB, ids []int64) map[int64]string {
	t.Helper()
	var rows []struct {
		ID   int64
		Text string
	}
	fixture.Must(t, db.NewRaw("SELECT id, recipient || subject || body_text || body_html AS text FROM outbox_mails WHERE id IN (?)", bun.In(ids)).
		Scan(context.Background(), &rows))
	out := map[int64]string{}
	for _, r := range rows {
		out[r.ID] = r.Text
	}
	return out
}

// TestEscalationMailsSentBeforeTheyNamedTheirEscalationAreErased: the mails
// of an escalation about a conversation without a demand, as the version
// before 20261201004002 wrote them (naming nothing), are given their
// escalation by migration 20261201004601, so that the conversation's
// anonymisation erases them; those of a conversation anonymised before it
// are erased by the migration itself (the one not sent deleted); no other
// mail is touched.
func TestEscalationMailsSentBeforeTheyNamedTheirEscalationAreErased(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	referent := w.Referent(t)
	escalated := func(subject, problem string) (*models.Conversation, []int64) {
		cv, _, err := w.App.Conversations.Open(ctx, w.Commune, conversation.Citizen(w.Commune.ID, "Camille Martin"),
			conversation.OpenInput{Subject: subject, Email: "camille@exemple.fr", Name: "Camille Martin", Client: "client:" + subject,
				Message: conversation.MessageInput{Body: "Bonjour, où en est mon dossier ?"}})
		fixture.Must(t, err)
		esc := w.EscalateAndReturn(t, referent, conversation.EscalateInput{ConversationID: cv.ID, Problem: problem}, "Voir avec Mme Martin.")
		var ids []int64
		// As the previous version wrote them: naming nothing.
		fixture.Must(t, db.NewRaw("UPDATE outbox_mails SET escalation_id = NULL WHERE escalation_id = ? RETURNING id", esc.ID).Scan(ctx, &ids))
		if len(ids) != 3 {
			t.Fatalf("%d mails of the escalation, want 3 (its notice, the referent's copy, its return)", len(ids))
		}
		return cv, ids
	}
	kept, keptMails := escalated("Allocation", "Mme Martin, allocataire n° 1234567.")
	gone, goneMails := escalated("Logement", "Mme Martin, relogée rue des Lilas.")
	// Two of each were sent, the last is still to send.
	_, err := db.ExecContext(ctx, "UPDATE outbox_mails SET status = 'sent' WHERE id IN (?)", bun.In(append(keptMails[:2:2], goneMails[:2]...)))
	fixture.Must(t, err)
	var others []int64
	fixture.Must(t, db.NewRaw("SELECT id FROM outbox_mails WHERE id NOT IN (?)", bun.In(append(keptMails, goneMails...))).Scan(ctx, &others))
	othersBefore := mailTexts(t, db, others)

	anonymise := func(cv *models.Conversation) {
		fixture.Must(t, db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			_, err := models.AnonymiseConversation(ctx, tx, w.Commune.ID, cv.ID, w.Clock.Now(), new(models.Erased))
			return err
		}))
	}
	anonymise(gone)
	for id, text := range mailTexts(t, db, goneMails) {
		if text == "" {
			t.Fatalf("mail %d of the conversation anonymised was erased without the migration: the test proves nothing", id)
		}
	}

	q, err := migrations.SQL("20261201004601_escalation_mails_named.tx.up.sql")
	fixture.Must(t, err)
	_, err = db.ExecContext(ctx, q)
	fixture.Must(t, err)

	left := mailTexts(t, db, goneMails)
	if len(left) != 2 {
		t.Errorf("%d mails left of the conversation anonymised before, want the 2 sent (the one not sent deleted)", len(left))
	}
	for id, text := range left {
		if text != "" {
			t.Errorf("mail %d of the conversation anonymised before still reads %q", id, text)
		}
	}
	var named int
	fixture.Must(t, db.NewRaw("SELECT count(*) FROM outbox_mails m JOIN escalations e ON e.id = m.escalation_id WHERE m.id IN (?) AND e.conversation_id = ?",
		bun.In(keptMails), kept.ID).Scan(ctx, &named))
	if named != 3 {
		t.Fatalf("%d of the 3 mails name their escalation after the migration", named)
	}
	anonymise(kept)
	for id, text := range mailTexts(t, db, keptMails) {
		if text != "" {
			t.Errorf("mail %d still reads %q after its conversation's anonymisation", id, text)
		}
	}
	for id, text := range mailTexts(t, db, others) {
		if text != othersBefore[id] {
			t.Errorf("mail %d, of no escalation, changed: %q, was %q", id, text, othersBefore[id])
		}
	}
}
