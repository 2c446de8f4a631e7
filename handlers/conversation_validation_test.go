package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
)

// heldAgent is an accueil agent whose replies wait for validation.
func (a *app) heldAgent(t *testing.T) *models.Agent {
	t.Helper()
	return a.NewAgent(t, "stagiaire", a.NewProfile(t, "Stagiaire", perm.Set{perm.See, perm.ReplyValidated}))
}

// outboxTo counts the mails of a conversation queued for an address.
func (a *app) outboxTo(t *testing.T, cv *models.Conversation, addr string) int {
	t.Helper()
	n, err := a.DB.NewSelect().Model((*models.OutboxMail)(nil)).Where("conversation_id = ? AND lower(recipient) = lower(?)", cv.ID, addr).Count(t.Context())
	fixture.Must(t, err)
	return int(n)
}

// pendingForm reads a held reply's form on the conversation page: its
// action and version.
func pendingForm(t *testing.T, page *response, action string) (string, string) {
	t.Helper()
	f := page.Doc.Find(`form[action$="` + action + `"]`).First()
	if f.Length() == 0 {
		t.Fatalf("no form %s on the page: %.500s", action, text(page))
	}
	return f.AttrOr("action", ""), f.Find(`input[name="version"]`).AttrOr("value", "")
}

// A reply waiting for validation reaches no citizen (checked on the
// outbox, over SMTP and on the citizen's page) until it is validated,
// then reaches them once; returned, its author reads the comment.
func TestAHeldReplyReachesNoCitizenUntilValidated(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Cantine", "Quels sont les tarifs ?")
	link := conversationLinkIn(t, mailTo(t, a.sendMail(), "camille@exemple.fr"))
	queued := a.outboxTo(t, cv, "camille@exemple.fr")
	path := fmt.Sprintf("/gestion/messages/%d", cv.ID)

	author := a.signIn(a.heldAgent(t))
	page := author.get(path)
	mustStatus(t, page, http.StatusOK)
	if b := page.Doc.Find(".composer--reply button").Text(); b != "Soumettre à validation" {
		t.Fatalf("the held agent's composer says %q", b)
	}
	if page.Doc.Find(`form[action$="/transfert"]`).Length() != 0 {
		t.Fatal("forwarding, which tells the citizen, is offered to a held agent")
	}
	r := author.postMessage(path+"/messages", map[string]string{"mode": "reponse", "message": "Les tarifs sont de 3 euros."}, nil)
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, author.follow(r), "Réponse soumise à validation")

	// Nothing went: no mail queued or sent, nothing on the citizen's page.
	a.sendMail()
	if n := a.outboxTo(t, cv, "camille@exemple.fr"); n != queued {
		t.Fatalf("%d mails queued for the citizen, want %d", n, queued)
	}
	for _, m := range mailsTo(a.SMTP.Messages(), "camille@exemple.fr") {
		if strings.Contains(m.Text, "3 euros") {
			t.Fatal("the held reply was mailed")
		}
	}
	if strings.Contains(a.client().get(link).Body, "3 euros") {
		t.Fatal("the held reply is on the citizen's page")
	}
	if got := a.reloadConversation(t, cv); got.Status != models.ConvNew {
		t.Fatalf("status %s: the citizen was not answered", got.Status)
	}

	// "À valider", with its count, for the supervisor who validates.
	v := a.signIn(a.Supervisor)
	list := v.get("/gestion/messages?vue=a-valider")
	mustStatus(t, list, http.StatusOK)
	if !strings.Contains(list.Doc.Find(`a[aria-current="page"]`).Text(), "À valider (1)") || !strings.Contains(text(list), "Cantine") {
		t.Fatalf("« À valider »: %s", text(list))
	}
	if strings.Contains(text(v.get("/gestion/messages?vue=a-valider&q=piscine")), "Cantine") {
		t.Fatal("the view ignores the search")
	}
	assertAccessible(t, list.Doc)

	// Returned with a comment: the author reads it, and corrects.
	page = v.get(path)
	assertAccessible(t, page.Doc)
	action, version := pendingForm(t, page, "/renvoyer")
	r = v.post(action, url.Values{"version": {version}, "commentaire": {""}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Dites à l'auteur ce qu'il faut changer.")
	mustStatus(t, v.post(action, url.Values{"version": {version}, "commentaire": {"Précisez le tarif réduit."}}), http.StatusSeeOther)
	page = author.get(path)
	mustContain(t, page, "Précisez le tarif réduit.")
	if strings.Contains(text(v.get("/gestion/messages?vue=a-valider")), "Cantine") {
		t.Fatal("a returned reply is still to validate")
	}
	action, version = pendingForm(t, page, "/modifier")
	mustStatus(t, author.post(action, url.Values{"version": {version}, "message": {"Les tarifs sont de 3 euros, 1 euro au tarif réduit."}}), http.StatusSeeOther)
	a.sendMail()
	if n := a.outboxTo(t, cv, "camille@exemple.fr"); n != queued {
		t.Fatal("a mail went to the citizen before validation")
	}

	// The validator edits and sends: the citizen receives it once.
	page = v.get(path)
	action, version = pendingForm(t, page, "/envoyer")
	if got := page.Doc.Find(`form[action$="/envoyer"] textarea`).Text(); got != "Les tarifs sont de 3 euros, 1 euro au tarif réduit." {
		t.Fatalf("the validator reads %q", got)
	}
	r = v.post(action, url.Values{"version": {version}, "message": {"Les tarifs sont de 3 euros, 1 euro au tarif réduit. Bonne journée."}})
	mustStatus(t, r, http.StatusSeeOther)
	mustStatus(t, v.post(action, url.Values{"version": {version}, "message": {"Encore."}}), http.StatusConflict)
	ms := mailsTo(a.sendMail(), "camille@exemple.fr")
	sent := 0
	for _, m := range ms {
		if strings.Contains(m.Text, "1 euro au tarif réduit. Bonne journée.") {
			sent++
		}
	}
	if sent != 1 || a.outboxTo(t, cv, "camille@exemple.fr") != queued+1 {
		t.Fatalf("the validated reply was mailed %d times", sent)
	}
	citizen := a.client().get(link)
	mustContain(t, citizen, "1 euro au tarif réduit. Bonne journée.")
	if strings.Contains(citizen.Body, "Précisez le tarif réduit.") {
		t.Fatal("the validator's comment reached the citizen")
	}
	page = v.get(path)
	mustContain(t, page, "Réponse validée et envoyée (rédigée par Agent stagiaire)")
	if page.Doc.Find("#a-valider").Length() != 0 {
		t.Fatal("the sent reply still waits")
	}
	if got := a.reloadConversation(t, cv); got.Status != models.ConvWaiting {
		t.Fatalf("status %s once answered", got.Status)
	}
}

// Two validators sending the same reply at once: one sends it, the other
// is told it changed meanwhile; the citizen gets it once.
func TestTwoValidatorsAtOnceOneWins(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Piscine", "Horaires ?")
	a.sendMail()
	queued := a.outboxTo(t, cv, "camille@exemple.fr")
	path := fmt.Sprintf("/gestion/messages/%d", cv.ID)
	mustStatus(t, a.signIn(a.heldAgent(t)).postMessage(path+"/messages", map[string]string{"mode": "reponse", "message": "Ouverte de 9 h à 19 h."}, nil), http.StatusSeeOther)

	other := a.NewAgent(t, "valideuse", a.NewProfile(t, "Valideuse", perm.Set{perm.See, perm.Reply, perm.Validate}))
	clients := []*client{a.signIn(a.Supervisor), a.signIn(other)}
	action, version := pendingForm(t, clients[0].get(path), "/envoyer")
	codes := make([]int, 2)
	bodies := make([]string, 2)
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := c.post(action, url.Values{"version": {version}, "message": {fmt.Sprintf("Ouverte de 9 h à 19 h (%d).", i)}})
			codes[i], bodies[i] = r.StatusCode, r.Body
		}()
	}
	wg.Wait()
	won, lost := 0, 0
	for i, code := range codes {
		switch code {
		case http.StatusSeeOther:
			won++
		case http.StatusConflict:
			lost++
			if !strings.Contains(bodies[i], "modifiée entre-temps") {
				t.Errorf("the loser reads: %.300s", bodies[i])
			}
		}
	}
	if won != 1 || lost != 1 {
		t.Fatalf("codes %v, want one 303 and one 409", codes)
	}
	a.sendMail()
	if n := a.outboxTo(t, cv, "camille@exemple.fr"); n != queued+1 {
		t.Fatalf("%d mails for the citizen, want one more than %d", n, queued)
	}
	thread, err := models.Thread(t.Context(), a.DB, a.Commune.ID, cv.ID, true)
	fixture.Must(t, err)
	if len(thread) != 2 || !strings.HasPrefix(thread[1].Body, "Ouverte de 9 h à 19 h (") || thread[1].AuthorName != "Agent stagiaire" {
		t.Fatalf("thread: %+v", thread)
	}
}

// Only the author corrects a held reply; an agent who does not validate
// sees no validation form, and a held agent may neither open a
// conversation nor forward (both reach the citizen at once).
func TestHeldRepliesRules(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Voirie", "Un trou rue Basse.")
	path := fmt.Sprintf("/gestion/messages/%d", cv.ID)
	held := a.signIn(a.heldAgent(t))
	mustStatus(t, held.postMessage(path+"/messages", map[string]string{"mode": "reponse", "message": "Nous regardons."}, nil), http.StatusSeeOther)

	accueil := a.signIn(a.Accueil) // replies, does not validate
	page := accueil.get(path)
	if page.Doc.Find(`form[action$="/envoyer"], form[action$="/renvoyer"], form[action$="/modifier"]`).Length() != 0 {
		t.Fatal("validation forms offered to an agent who does not validate")
	}
	mustContain(t, page, "Nous regardons.")
	action, version := pendingForm(t, held.get(path), "/modifier")
	r := accueil.post(action, url.Values{"version": {version}, "message": {"Autre texte."}})
	mustStatus(t, r, http.StatusForbidden)
	send := strings.TrimSuffix(action, "/modifier") + "/envoyer"
	r = accueil.post(send, url.Values{"version": {version}, "message": {"Autre texte."}})
	mustStatus(t, r, http.StatusForbidden)
	mustContain(t, r, "« Valider les réponses »")
	r = held.post(action, url.Values{"version": {version}, "message": {strings.Repeat("x", 10001)}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if got := r.Doc.Find(`form[action$="/modifier"] textarea`).Text(); got != strings.Repeat("x", 10001) {
		t.Fatal("the refused text is not kept")
	}

	r = held.post(path+"/transfert", url.Values{"message_transmis": {"1"}, "destinataire": {"prefecture@exemple.fr"}})
	mustStatus(t, r, http.StatusForbidden)
	mustContain(t, r, "sous validation")
	if held.get("/gestion/messages").Doc.Find(`a[href="/gestion/messages/nouvelle"]`).Length() != 0 {
		t.Fatal("opening a conversation, which mails the citizen, is offered to a held agent")
	}
	r = held.postMessage("/gestion/messages", map[string]string{"objet": "Appel", "email": "x@exemple.fr", "canal": "phone", "message": "Appel reçu."}, nil)
	mustStatus(t, r, http.StatusForbidden)
	if n := a.outboxTo(t, cv, "camille@exemple.fr"); n != 1 {
		t.Fatalf("%d mails queued for the citizen, want the opening one", n)
	}
}
