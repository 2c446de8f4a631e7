package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"guichet/conversation"
	"guichet/fixture"
	"guichet/models"
)

// TestMailReceivedOnTheAgentPage: a citizen's mail shows its new part, the
// quote folded under it, and a bounce of the commune's mail warns the agent.
func TestMailReceivedOnTheAgentPage(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	cv, _, err := a.App.Conversations.Open(ctx, a.Commune, conversation.Citizen(a.Commune.ID, "Camille Martin"),
		conversation.OpenInput{Subject: "Poubelles", Email: "camille@exemple.fr", Name: "Camille Martin", Client: "192.0.2.1",
			Message: conversation.MessageInput{Body: "Les poubelles ne sont pas ramassées."}})
	fixture.Must(t, err)
	var sent models.OutboxMail
	fixture.Must(t, a.DB.NewSelect().Model(&sent).Where("conversation_id = ? AND recipient = ?", cv.ID, cv.CitizenEmail).Limit(1).Scan(ctx))
	reply, err := a.Notifier.ReplyAddress(a.Commune, cv)
	fixture.Must(t, err)
	mails := []string{
		fmt.Sprintf("From: camille@exemple.fr\r\nTo: %s\r\nSubject: Re: Poubelles\r\nMessage-ID: <r1@exemple.fr>\r\n\r\nC'est réglé, merci.\r\n\r\nLe lun. 30 nov. 2026, Mairie a écrit :\r\n> Votre message a bien été transmis.\r\n", reply),
		fmt.Sprintf("From: MAILER-DAEMON@exemple.fr\r\nTo: %s\r\nSubject: failure notice\r\nMessage-ID: <b1@exemple.fr>\r\nIn-Reply-To: <%s>\r\n\r\nUser unknown.\r\n", a.Commune.Email, sent.MessageID),
	}
	for i, raw := range mails {
		from := "camille@exemple.fr"
		to := reply
		if i == 1 {
			from, to = "", a.Commune.Email
		}
		fixture.Must(t, a.App.Inbound.Receive(ctx, from, []string{to}, []byte(raw)))
	}
	page := a.signIn(a.Accueil).get(fmt.Sprintf("/gestion/messages/%d", cv.ID))
	body := page.Doc.Find(".thread-message--citizen").Last()
	if got := strings.TrimSpace(body.Find(".message-body").First().Text()); got != "C'est réglé, merci." {
		t.Errorf("message shown %q", got)
	}
	if got := body.Find("details.message-folded").Text(); !strings.Contains(got, "Votre message a bien été transmis.") {
		t.Errorf("folded %q", got)
	}
	if !strings.Contains(text(page), "L'adresse de l'usager ne reçoit pas nos messages") {
		t.Error("no bounce notice")
	}
}
