package inbound

import (
	"testing"

	"github.com/emersion/go-message/textproto"
)

// Subjects: an auto-responder's, and a person's that only look like one.
func TestAutoReplySubjects(t *testing.T) {
	for subject, want := range map[string]bool{
		"Réponse automatique : Poubelles": true, "Absent : Horaires": true, "Out of Office: Horaires": true,
		"RE: Absente jusqu'au 4": true, "Automatic reply: Votre demande": true, "AUTO: question": true,
		"Absentéisme scolaire": false, "Absence de ramassage des poubelles": false, "Question sur l'autorisation": false,
		"Mon fils était absent à la cantine": false, "Autorisation de voirie": false,
	} {
		if got := autoReply(textproto.Header{}, subject); got != want {
			t.Errorf("%q: %v, want %v", subject, got, want)
		}
	}
}
