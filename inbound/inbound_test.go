package inbound_test

import (
	"context"
	"fmt"
	"github.com/uptrace/bun"
	"io"
	"log/slog"
	"net"
	"net/smtp"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"guichet/conversation"
	"guichet/fixture"
	"guichet/inbound"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// listen starts the inbound listener of w's application on a free port.
func listen(t *testing.T, w *fixture.World) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	fixture.Must(t, err)
	w.App.Inbound.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	s := inbound.NewServer(w.App.Inbound, "guichet.test", false)
	go s.ServeListener(ln)
	t.Cleanup(func() { s.Close() })
	return ln.Addr().String()
}

// scene is a commune's conversation with a citizen, answered by an agent
// (the mail Guichet sent), forwarded to an outside service, and a demand.
type scene struct {
	w      *fixture.World
	cv     *models.Conversation
	demand *models.Demand
	vars   map[string]string
}

func newScene(t *testing.T) *scene { return newSceneOn(t, testdb.New(t)) }

// newSceneOn is newScene on a database of the test's choosing.
func newSceneOn(t *testing.T, db *bun.DB) *scene {
	ctx := context.Background()
	w := fixture.NewWorld(t, db)
	const citizen = "camille@exemple.fr"
	cv, _, err := w.App.Conversations.Open(ctx, w.Commune, conversation.Citizen(w.Commune.ID, "Camille Martin"),
		conversation.OpenInput{Subject: "Poubelles non ramassées", Email: citizen, Name: "Camille Martin", Client: "192.0.2.1",
			Message: conversation.MessageInput{Body: "Les poubelles de la rue Haute ne sont pas ramassées."}})
	fixture.Must(t, err)
	first, err := models.Thread(ctx, w.DB, w.Commune.ID, cv.ID, false)
	fixture.Must(t, err)
	fixture.Must(t, w.App.Conversations.Forward(ctx, w.Commune, workflow.AgentActor(w.Accueil), cv.ID, first[0].ID, "eaux@agglo.test", ""))
	_, sent, err := w.App.Conversations.Post(ctx, w.Commune, workflow.AgentActor(w.Accueil), cv.ID, conversation.MessageInput{Body: "Nous transmettons à la voirie."})
	fixture.Must(t, err)
	reply, err := w.Notifier.ReplyAddress(w.Commune, cv)
	fixture.Must(t, err)
	d := w.DemandAt(t, fixture.AtSubmitted)
	return &scene{w: w, cv: cv, demand: d, vars: map[string]string{
		"{{CITIZEN}}": citizen, "{{REPLY}}": reply, "{{COMMUNE}}": w.Commune.Email, "{{SENT}}": sent.MailID,
		"{{THREAD}}": w.Notifier.ConversationThreadID(cv), "{{REF}}": cv.Reference, "{{DEMAND}}": d.Reference, "{{DCITIZEN}}": d.CitizenEmail,
	}}
}

// send delivers raw over a real SMTP session, the envelope's recipients
// the Guichet addresses its headers name.
func (s *scene) send(t *testing.T, addr, from string, raw string) error {
	t.Helper()
	var to []string
	head, _, _ := strings.Cut(raw, "\r\n\r\n")
	for _, a := range []string{s.vars["{{REPLY}}"], s.vars["{{COMMUNE}}"]} {
		if strings.Contains(head, a) && !strings.Contains(head, "From: Mairie") || strings.Contains(head, "To: "+a) {
			to = append(to, a)
		}
	}
	return smtp.SendMail(addr, nil, from, to, []byte(raw))
}

func (s *scene) expand(raw, id string) string {
	raw = strings.ReplaceAll(raw, "{{ID}}", id)
	for k, v := range s.vars {
		raw = strings.ReplaceAll(raw, k, v)
	}
	return raw
}

// Where each mail of the corpus must land.
const (
	inMain   = "main"   // the scene's conversation
	inNew    = "new"    // a new conversation of the general inbox
	inDemand = "demand" // the demand's conversation
	inNone   = "none"
)

var corpus = map[string]struct {
	status  string
	in      string
	text    string // in the message shown ("" for none)
	notText string // folded or dropped: not in the message shown
	files   int
}{
	"01-gmail-reply":                        {models.InboundThreaded, inMain, "ramassées ce matin", "Nous transmettons", 0},
	"02-outlook-reply-toppost":              {models.InboundThreaded, inMain, "Cordialement", "Envoyé : lundi", 0},
	"03-apple-reply":                        {models.InboundThreaded, inMain, "ramassées ce matin", "Nous transmettons", 0},
	"04-thunderbird-bottompost":             {models.InboundThreaded, inMain, "ramassées ce matin", "06 12 34", 0},
	"05-iphone-reply":                       {models.InboundThreaded, inMain, "ramassées ce matin", "Envoyé de mon iPhone", 0},
	"06-android-reply":                      {models.InboundThreaded, inMain, "ramassées ce matin", "Galaxy", 0},
	"07-latin1-qp":                          {models.InboundThreaded, inMain, "Très bien, merci à l'équipe de la voirie", "", 0},
	"08-cp1252-base64":                      {models.InboundThreaded, inMain, "Merci – c’est réglé, l’équipe", "", 0},
	"09-utf8-base64-html-only":              {models.InboundThreaded, inMain, "Le bac est toujours plein rue Haute", "pixel", 0},
	"10-html-inline-image":                  {models.InboundThreaded, inMain, "Voici la photo du bac débordant.", "<img", 1},
	"11-attachment-pdf":                     {models.InboundThreaded, inMain, "Voici le justificatif demandé.", "", 1},
	"12-attachment-refused-exe":             {models.InboundThreaded, inMain, "« document.pdf.exe » : Ce fichier n'est pas d'un type accepté", "", 1},
	"13-reply-all-cc":                       {models.InboundThreaded, inMain, "Je mets la mairie et mon voisin en copie.", "", 0},
	"14-from-other-address":                 {models.InboundHeld, inMain, "", "", 0},
	"15-references-only-no-token":           {models.InboundThreaded, inMain, "Je réponds à l'adresse de la mairie.", "", 0},
	"16-subject-conversation-ref":           {models.InboundThreaded, inMain, "Nouveau message sur le même sujet.", "", 0},
	"17-subject-ref-wrong-sender":           {models.InboundThreaded, inNew, "Je voudrais des nouvelles", "", 0},
	"18-subject-demand-ref":                 {models.InboundThreaded, inDemand, "Avez-vous besoin d'autre chose", "", 0},
	"19-subject-demand-ref-stranger":        {models.InboundThreaded, inNew, "Je m'intéresse à cette demande.", "", 0},
	"20-new-general-inbox":                  {models.InboundThreaded, inNew, "la mairie est-elle ouverte samedi ?", "", 0},
	"21-new-apple-signature":                {models.InboundThreaded, inNew, "Comment inscrire ma fille", "12 rue Basse", 0},
	"22-forward-from-citizen":               {models.InboundThreaded, inNew, "Je vous transfère ce message", "Votre facture", 0},
	"23-outlook-forward":                    {models.InboundThreaded, inNew, "Pour information.", "Désolé pour le bruit", 0},
	"24-no-subject":                         {models.InboundThreaded, inNew, "acte de naissance", "", 0},
	"25-empty-body-attachment":              {models.InboundThreaded, inNew, "(message sans texte)", "", 1},
	"26-latin1-8bit-new":                    {models.InboundThreaded, inNew, "Où déposer les déchets verts à Noël ?", "", 0},
	"27-outside-interlocutor":               {models.InboundThreaded, inMain, "Nous prenons en charge", "", 0},
	"28-duplicate-of-01":                    {models.InboundDuplicate, inNone, "", "", 0},
	"29-autoreply-auto-submitted":           {models.InboundAutoReply, inMain, "", "", 0},
	"30-autoreply-outlook-oof":              {models.InboundAutoReply, inMain, "", "", 0},
	"31-autoreply-x-autoreply":              {models.InboundAutoReply, inNone, "", "", 0},
	"32-autoreply-precedence-bulk":          {models.InboundAutoReply, inNone, "", "", 0},
	"33-autoreply-subject-absent":           {models.InboundAutoReply, inNone, "", "", 0},
	"34-autoreply-out-of-office":            {models.InboundAutoReply, inNone, "", "", 0},
	"35-autoreply-precedence-auto":          {models.InboundAutoReply, inNone, "", "", 0},
	"36-bounce-postfix-rfc822":              {models.InboundBounce, inMain, "", "", 0},
	"37-bounce-exchange-headers":            {models.InboundBounce, inMain, "", "", 0},
	"38-bounce-gmail":                       {models.InboundBounce, inMain, "", "", 0},
	"39-bounce-plain-null-sender":           {models.InboundBounce, inMain, "", "", 0},
	"40-gmail-reply-cc-commune-second-copy": {models.InboundDuplicate, inNone, "", "", 0},
}

// TestCorpus delivers every mail of the corpus over a real SMTP session
// and checks where each landed: its conversation, no duplicate, who wrote
// it (held when not the citizen), the text shown.
func TestCorpus(t *testing.T) {
	s := newScene(t)
	ctx := context.Background()
	addr := listen(t, s.w)
	paths, err := filepath.Glob("testdata/corpus/*.eml")
	fixture.Must(t, err)
	sort.Strings(paths)
	if len(paths) != len(corpus) || len(paths) < 40 {
		t.Fatalf("%d files, %d expectations", len(paths), len(corpus))
	}
	sent := map[string]string{} // name: raw sent
	seen := map[int64]bool{s.cv.ID: true}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".eml")
		want, ok := corpus[name]
		if !ok {
			t.Fatalf("%s: no expectation", name)
		}
		b, err := os.ReadFile(p)
		fixture.Must(t, err)
		raw := s.expand(string(b), name+"@client.test")
		if orig, ok := strings.CutPrefix(string(b), "DUP:"); ok {
			raw = sent[strings.TrimSpace(orig)]
		}
		sent[name] = raw
		from := s.vars["{{CITIZEN}}"]
		if strings.Contains(name, "bounce") {
			from = ""
		}
		before := countInbound(t, s.w)
		if err := s.send(t, addr, from, raw); err != nil {
			t.Fatalf("%s: SMTP: %v", name, err)
		}
		if n := countInbound(t, s.w); n != before+1 {
			t.Fatalf("%s: %d messages stored, want 1", name, n-before)
		}
		var m models.InboundMessage
		fixture.Must(t, s.w.DB.NewSelect().Model(&m).Where("commune_id = ?", s.w.Commune.ID).Order("id DESC").Limit(1).Scan(ctx))
		if m.Status != want.status {
			t.Errorf("%s: status %s (%s), want %s", name, m.Status, m.Error, want.status)
			continue
		}
		switch want.in {
		case inMain:
			if m.ConversationID == nil || *m.ConversationID != s.cv.ID {
				t.Errorf("%s: conversation %v, want %d", name, m.ConversationID, s.cv.ID)
			}
		case inNone:
			if m.ConversationMessageID != nil {
				t.Errorf("%s: became message %d", name, *m.ConversationMessageID)
			}
		case inNew, inDemand:
			if m.ConversationID == nil || seen[*m.ConversationID] {
				t.Errorf("%s: conversation %v, want a new one", name, m.ConversationID)
				continue
			}
			seen[*m.ConversationID] = true
			cv, err := models.ConversationByID(ctx, s.w.DB, s.w.Commune.ID, *m.ConversationID)
			fixture.Must(t, err)
			if (want.in == inDemand) != (cv.DemandID != nil && *cv.DemandID == s.demand.ID) {
				t.Errorf("%s: about demand %v", name, cv.DemandID)
			}
		}
		if want.status != models.InboundThreaded {
			if m.ConversationMessageID != nil {
				t.Errorf("%s: %s but shown as message %d", name, m.Status, *m.ConversationMessageID)
			}
			continue
		}
		if m.ConversationMessageID == nil {
			t.Errorf("%s: no message", name)
			continue
		}
		msg := messageOf(t, s.w, *m.ConversationID, *m.ConversationMessageID)
		if !strings.Contains(msg.Body, want.text) || (want.notText != "" && strings.Contains(msg.Body, want.notText)) {
			t.Errorf("%s: message shown %q, want %q without %q", name, msg.Body, want.text, want.notText)
		}
		if msg.Channel != models.ChannelEmail || len(msg.Files) != want.files {
			t.Errorf("%s: channel %s, %d files, want email and %d", name, msg.Channel, len(msg.Files), want.files)
		}
		outside := name == "27-outside-interlocutor"
		if msg.Internal != outside || (msg.AuthorKind == workflow.KindCitizen) == outside {
			t.Errorf("%s: internal %v, author %s", name, msg.Internal, msg.AuthorKind)
		}
	}
	// The citizen sees neither the held message nor the outside answer.
	thread, err := models.Thread(ctx, s.w.DB, s.w.Commune.ID, s.cv.ID, true)
	fixture.Must(t, err)
	for _, m := range thread {
		if strings.Contains(m.Body, "à la place de Camille") || strings.Contains(m.Body, "Nous prenons en charge") {
			t.Errorf("the citizen is shown %q", m.Body)
		}
	}
	// The bounces mark the mail they answer as undelivered.
	var ob models.OutboxMail
	fixture.Must(t, s.w.DB.NewSelect().Model(&ob).Where("message_id = ?", s.vars["{{SENT}}"]).Scan(ctx))
	if ob.BouncedAt == nil || !strings.Contains(ob.Bounce, "5.1.1") && !strings.Contains(ob.Bounce, "5.2.2") && ob.Bounce == "" {
		t.Errorf("bounced mail: %v %q", ob.BouncedAt, ob.Bounce)
	}
}

func countInbound(t *testing.T, w *fixture.World) int64 {
	n, err := w.DB.NewSelect().Model((*models.InboundMessage)(nil)).Where("commune_id = ?", w.Commune.ID).Count(context.Background())
	fixture.Must(t, err)
	return int64(n)
}

func messageOf(t *testing.T, w *fixture.World, conversationID, id int64) models.Message {
	ms, err := models.Thread(context.Background(), w.DB, w.Commune.ID, conversationID, false)
	fixture.Must(t, err)
	for _, m := range ms {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("message %d not in conversation %d", id, conversationID)
	return models.Message{}
}

// An address Guichet does not answer for is refused at RCPT, nothing stored.
func TestUnknownRecipientRefused(t *testing.T) {
	s := newScene(t)
	addr := listen(t, s.w)
	err := smtp.SendMail(addr, nil, "x@exemple.fr", []string{"personne@ailleurs.test"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("err %v", err)
	}
	if n := countInbound(t, s.w); n != 0 {
		t.Fatalf("%d stored", n)
	}
	forged := strings.Replace(s.vars["{{REPLY}}"], "reponse+", "reponse+9", 1)
	if err := smtp.SendMail(addr, nil, "x@exemple.fr", []string{forged}, []byte("Subject: x\r\n\r\nx\r\n")); err == nil {
		t.Fatal("a forged reply token was accepted")
	}
}

var _ = fmt.Sprint
