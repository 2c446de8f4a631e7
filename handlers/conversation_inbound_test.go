package handlers_test

import (
	"context"
	"fmt"
	"net/http"
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
		fixture.Must(t, a.App.Inbound.Receive(ctx, from, []string{to}, strings.NewReader(raw)))
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
	// The mail's source, as received, one link away; another commune's agent gets nothing.
	src, ok := body.Find("a:contains('Source du courriel')").Attr("href")
	if !ok {
		t.Fatal("no source link")
	}
	if got := a.signIn(a.Accueil).get(src); got.Body != mails[0] {
		t.Errorf("source %q", got.Body)
	}
	other := fixture.NewWorld(t, a.DB)
	mustStatus(t, a.signIn(other.Accueil).get(src), http.StatusNotFound)
}

// TestSupervisorAcceptsAHeldMail: a stranger's answer waits on the
// supervisor's page, its source readable; accepted, it joins the thread.
// Another commune's supervisor neither sees nor acts on it.
func TestSupervisorAcceptsAHeldMail(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	cv := a.openConversation(t, "camille@exemple.fr", "Une question", "Bonjour, une question.")
	reply, err := a.Notifier.ReplyAddress(a.Commune, cv)
	fixture.Must(t, err)
	raw := "From: Dominique <voisin@exemple.fr>\r\nSubject: Re: Une question\r\nMessage-ID: <held1@exemple.fr>\r\n\r\nJe réponds pour Camille.\r\n"
	fixture.Must(t, a.App.Inbound.Receive(ctx, "voisin@exemple.fr", []string{reply}, strings.NewReader(raw)))
	var id int64
	fixture.Must(t, a.DB.NewRaw("SELECT id FROM inbound_messages WHERE commune_id = ?", a.Commune.ID).Scan(ctx, &id))
	path := "/gestion/supervision/courriels/" + itoa(id)

	other := fixture.NewWorld(t, a.DB)
	stranger := a.signIn(other.Supervisor)
	mustStatus(t, stranger.get(path+"/source"), http.StatusNotFound)
	mustStatus(t, stranger.post(path+"/accepter", nil), http.StatusNotFound)
	if strings.Contains(text(stranger.get("/gestion/supervision/courriels")), "voisin@exemple.fr") {
		t.Fatal("another commune's supervisor sees the mail")
	}

	sup := a.signIn(a.Supervisor)
	list := sup.get("/gestion/supervision/courriels")
	mustContain(t, list, "voisin@exemple.fr")
	mustContain(t, list, "En attente : l'expéditeur n'est pas l'usager de la conversation")
	if src := sup.get(path + "/source"); src.Body != raw {
		t.Fatalf("source %q", src.Body)
	}
	if strings.Contains(text(a.signIn(a.Accueil).get("/gestion/messages/"+itoa(cv.ID))), "Je réponds pour Camille.") {
		t.Fatal("a held mail is in the thread")
	}
	r := sup.post(path+"/accepter", nil)
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, sup.follow(r), "Le message a rejoint sa conversation.")
	mustContain(t, a.signIn(a.Accueil).get("/gestion/messages/"+itoa(cv.ID)), "Je réponds pour Camille.")
	if strings.Contains(text(sup.get("/gestion/supervision/courriels")), "voisin@exemple.fr") {
		t.Fatal("an accepted mail still waits")
	}
}

// TestBounceShownOnTheDemand: a delivery failure of a mail about a demand
// warns on the demand's page; before it, nothing is said.
func TestBounceShownOnTheDemand(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	d := a.DemandAt(t, fixture.AtSubmitted)
	page := "/gestion/demandes/" + itoa(d.ID)
	const notice = "L'adresse de l'usager ne reçoit pas nos messages"
	agent := a.signIn(a.Accueil)
	if strings.Contains(text(agent.get(page)), notice) {
		t.Fatal("a notice before any bounce")
	}
	var sent models.OutboxMail
	fixture.Must(t, a.DB.NewSelect().Model(&sent).Where("demand_id = ? AND recipient = ?", d.ID, d.CitizenEmail).Limit(1).Scan(ctx))
	dsn := fmt.Sprintf("From: MAILER-DAEMON@exemple.fr\r\nTo: %s\r\nSubject: Undelivered Mail\r\nMessage-ID: <dsn1@exemple.fr>\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nUndeliverable.\r\n"+
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.exemple.fr\r\n\r\nFinal-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"+
		"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <%s>\r\nSubject: x\r\n--b--\r\n", a.Commune.Email, d.CitizenEmail, sent.MessageID)
	fixture.Must(t, a.App.Inbound.Receive(ctx, "", []string{a.Commune.Email}, strings.NewReader(dsn)))
	mustContain(t, agent.get(page), notice)
	fixture.Must(t, a.DB.NewSelect().Model(&sent).WherePK().Scan(ctx))
	if !strings.Contains(sent.Bounce, "550 5.1.1 User unknown") {
		t.Fatalf("bounce %q", sent.Bounce)
	}
}
