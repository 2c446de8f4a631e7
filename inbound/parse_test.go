package inbound

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
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

// FuzzParseMail: any bytes received are read without a panic, and their
// text split in a new part and a folded rest that keep every line.
func FuzzParseMail(f *testing.F) {
	paths, _ := filepath.Glob("testdata/corpus/*.eml")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := parse(bytes.NewReader(raw), func(pt part) error { _, err := io.Copy(io.Discard, pt.Body); return err })
		if err != nil {
			return
		}
		fresh, folded := split(p.Text)
		for _, l := range strings.Split(p.Text, "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.Contains(fresh, l) && !strings.Contains(folded, l) {
				t.Fatalf("line %q lost", l)
			}
		}
	})
}
