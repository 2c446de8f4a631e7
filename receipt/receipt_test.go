package receipt_test

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"guichet/receipt"
	"guichet/receipt/receipttest"
)

func TestWriteMakesAPDFOverSeveralPages(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	long := strings.Repeat("Un lampadaire éteint à l'angle de la rue de l'Église et de l'allée des Œillets. ", 120)
	var buf bytes.Buffer
	err := receipt.Write(&buf, receipt.Receipt{
		Commune: "Plassans", Contact: []string{"1 place de la Mairie", "04 42 00 00 00"},
		Procedure: "Signalement d'un dysfonctionnement", Reference: "2026-7KQ3-M9XD", TrackingCode: "ABCD2345",
		Acknowledgement: []receipt.Line{{"Reçue le", "23/11/2026 à 10:30"}}, Citizen: "Claude Dupont <claude@exemple.fr>", PrintedAt: at,
		Answers: []receipt.Line{{"Description", long}, {"Téléphone", ""}, {"Engagements", "Je m'engage…\nEt aussi…"}},
		Files:   []receipt.Line{{"photo.jpg", "JPEG, 1,2 Mo"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[len(b)-64:], []byte("%%EOF")) {
		t.Fatalf("not a PDF: %q…", b[:min(len(b), 20)])
	}
	m := regexp.MustCompile(`/Type /Pages\s+/MediaBox \[[^]]*\]\s+/Count (\d+)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no page tree")
	}
	if n, _ := strconv.Atoi(string(m[1])); n < 2 {
		t.Errorf("a long answer should span pages; %d page(s)", n)
	}
}

// What the receipt says is read back from the PDF, accents and mentions
// included, in the order drawn.
func TestReceiptReadsBack(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC) // printed two days after receipt
	var buf bytes.Buffer
	err := receipt.Write(&buf, receipt.Receipt{
		Commune: "Plassans", Procedure: "Demande d'acte d'état civil", Reference: "2026-7KQ3-M9XD", TrackingCode: "ABCD2345",
		Citizen: "Claude Dupont <claude@exemple.fr>", PrintedAt: at,
		Acknowledgement: []receipt.Line{{"Reçue le", "01/12/2026 à 10:30"}, {"Décision implicite le", "02/02/2027"}},
		Answers:         []receipt.Line{{"Type d'acte", "Naissance"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := receipttest.Text(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Récépissé de dépôt", "Demande d'acte d'état civil", "Accusé de réception", "Reçue le", "01/12/2026 à 10:30", "Décision implicite le", "02/02/2027", "Naissance"}
	last := -1
	for _, w := range want {
		i := strings.Index(got, w)
		if i < 0 || i < last {
			t.Fatalf("%q missing or out of order in %q", w, got)
		}
		last = i
	}
}
