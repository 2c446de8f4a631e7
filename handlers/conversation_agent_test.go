package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/conversation"
	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// openConversation opens a conversation from the portal, as a citizen would.
func (a *app) openConversation(t testing.TB, email, subject, body string) *models.Conversation {
	t.Helper()
	cv, _, err := a.App.Conversations.Open(t.Context(), a.Commune, conversation.Citizen(a.Commune.ID, "Camille Martin"),
		conversation.OpenInput{Subject: subject, Email: email, Name: "Camille Martin", Client: "client:" + email,
			Message: conversation.MessageInput{Body: body}})
	fixture.Must(t, err)
	return cv
}

func TestAgentAnswersFromTheConversationPage(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Poubelles", "Rien ramassé rue Haute.")
	before := len(mailsTo(a.sendMail(), "camille@exemple.fr"))
	c := a.signIn(a.Accueil)
	inbox := c.get("/gestion/messages")
	mustStatus(t, inbox, http.StatusOK)
	if inbox.Doc.Find(`nav a[href="/gestion/messages"]`).Length() == 0 {
		t.Fatal("no « Messages » in the menu")
	}
	if row := inbox.Doc.Find("tr.unread"); row.Length() != 1 || !strings.Contains(row.Text(), "Poubelles") {
		t.Fatalf("inbox rows: %s", text(inbox))
	}
	assertAccessible(t, inbox.Doc)
	path := fmt.Sprintf("/gestion/messages/%d", cv.ID)
	page := c.get(path)
	mustStatus(t, page, http.StatusOK)
	assertAccessible(t, page.Doc)
	// The two modes look unlike each other.
	reply, note := page.Doc.Find(".composer--reply"), page.Doc.Find(".composer--note")
	if reply.Find("button").Text() != "Envoyer à l'usager" || note.Find("button").Text() != "Enregistrer la note" ||
		!strings.Contains(reply.Find("h3").Text(), "Répondre à l'usager") || !strings.Contains(note.Find("h3").Text(), "Note interne") {
		t.Fatalf("composer: %q / %q", reply.Text(), note.Text())
	}
	if c.get("/gestion/messages").Doc.Find("tr.unread").Length() != 0 {
		t.Fatal("still unread once opened")
	}

	a.Clock.Advance(time.Minute)
	r := c.postMessage(path+"/messages", map[string]string{"mode": "note", "message": "Voir avec la voirie"}, nil)
	mustStatus(t, r, http.StatusSeeOther)
	r = c.postMessage(path+"/messages", map[string]string{"mode": "reponse", "message": "Nous passons demain."}, &upload{Name: "plan.pdf", Content: pdfFile(200)})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.postMessage(path+"/messages", map[string]string{"mode": "echange", "canal": "phone", "message": "L'usager a rappelé."}, nil)
	mustStatus(t, r, http.StatusSeeOther)
	page = c.follow(r)
	if page.Doc.Find(".thread-message--note").Length() != 1 || !strings.Contains(page.Doc.Find(".thread-message--note").Text(), "Voir avec la voirie") {
		t.Fatal("the note is not shown as a note")
	}
	mustContain(t, page, "Téléphone")
	ms := mailsTo(a.sendMail(), "camille@exemple.fr")[before:]
	if len(ms) != 1 || !strings.Contains(ms[0].Text, "Nous passons demain.") {
		t.Fatalf("citizen got %d mails", len(ms))
	}
	if got := a.reloadConversation(t, cv); got.Status != models.ConvWaiting {
		t.Fatalf("status %s", got.Status)
	}

	// Assign to oneself, tag, then a stale status change.
	page = c.get(path)
	version := page.Doc.Find(`form[action$="/statut"] input[name="version"]`).AttrOr("value", "")
	mustStatus(t, c.post(path+"/attribution", url.Values{"version": {version}, "agent": {"moi"}}), http.StatusSeeOther)
	mustStatus(t, c.post(path+"/etiquettes", url.Values{"etiquette": {"Usager perdu"}}), http.StatusSeeOther)
	r = c.post(path+"/statut", url.Values{"version": {version}, "statut": {"resolved"}})
	mustStatus(t, r, http.StatusConflict)
	mustContain(t, r, "modifiée entre-temps")
	page = c.get(path)
	mustContain(t, page, "Usager perdu")
	mine := c.get("/gestion/messages?vue=miennes")
	if !strings.Contains(text(mine), "Poubelles") || !strings.Contains(mine.Doc.Find(`a[aria-current="page"]`).Text(), "(1)") {
		t.Fatalf("mine: %s", text(mine))
	}
	version = page.Doc.Find(`form[action$="/statut"] input[name="version"]`).AttrOr("value", "")
	mustStatus(t, c.post(path+"/statut", url.Values{"version": {version}, "statut": {"resolved"}}), http.StatusSeeOther)
	if !strings.Contains(text(c.get("/gestion/messages?vue=resolues")), "Poubelles") {
		t.Fatal("not among the resolved")
	}
}

func TestInboxSearchFiltersAndPages(t *testing.T) {
	a := newApp(t)
	for i := 0; i < 52; i++ {
		a.openConversation(t, fmt.Sprintf("u%d@exemple.fr", i), fmt.Sprintf("Question %d", i), "Bonjour")
		a.Clock.Advance(time.Second)
	}
	lamp := a.openConversation(t, "lampe@exemple.fr", "Éclairage", "Le lampadaire de l'école est éteint.")
	fixture.Must(t, a.App.Conversations.Tag(t.Context(), workflow.AgentActor(a.Accueil), lamp.ID, "Voirie urgente", false))
	c := a.signIn(a.Supervisor)
	first := c.get("/gestion/messages")
	if n := first.Doc.Find("tbody tr").Length(); n != 50 {
		t.Fatalf("first page: %d rows", n)
	}
	mustContain(t, first, "Toutes ouvertes (53)")
	next, _ := first.Doc.Find(`a[rel="next"]`).Attr("href")
	second := c.get(next)
	if n := second.Doc.Find("tbody tr").Length(); n != 3 || !strings.Contains(text(second), "Question 0") {
		t.Fatalf("second page: %d rows: %s", n, text(second))
	}
	for _, q := range []string{"lampadaires", "ecole", "eclair"} {
		r := c.get("/gestion/messages?q=" + url.QueryEscape(q))
		if n := r.Doc.Find("tbody tr").Length(); n != 1 || !strings.Contains(text(r), "Éclairage") {
			t.Fatalf("search %q: %d rows", q, n)
		}
	}
	tags, err := models.Tags(t.Context(), a.DB, a.Commune.ID)
	fixture.Must(t, err)
	r := c.get(fmt.Sprintf("/gestion/messages?etiquette=%d", tags[0].ID))
	if n := r.Doc.Find("tbody tr").Length(); n != 1 {
		t.Fatalf("tag filter: %d rows", n)
	}
	r = c.get("/gestion/messages?canal=phone")
	mustContain(t, r, "Aucune conversation")
	mustStatus(t, c.get("/gestion/messages?apres=xx"), http.StatusBadRequest)
	mustStatus(t, c.get("/gestion/messages?du=hier"), http.StatusUnprocessableEntity)
}

// A search matching more conversations than the inbox counts says so,
// and the views then show no figure rather than a wrong one.
func TestInboxSaysWhenTheFiltersMatchTooManyToCount(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "u@exemple.fr", "Question", "Bonjour")
	_, err := a.DB.ExecContext(t.Context(), `INSERT INTO conversations (commune_id, reference, subject, status, channel, citizen_email,
			created_at, updated_at, last_message_at, search)
		SELECT commune_id, reference || '-' || i, subject, status, channel, citizen_email, created_at, updated_at, last_message_at, search
		FROM conversations, generate_series(1, ?) AS i WHERE id = ?`, models.CountCap, cv.ID)
	fixture.Must(t, err)
	c := a.signIn(a.Supervisor)
	mustContain(t, c.get("/gestion/messages"), "Toutes ouvertes (1001)")
	r := c.get("/gestion/messages?q=question")
	mustContain(t, r, "Plus de 1000 conversations répondent à ces filtres")
	if views := r.Doc.Find(".inbox-views").Text(); strings.Contains(views, "ouvertes (") || strings.Contains(views, "Résolues (") {
		t.Fatalf("views counted past the cap: %s", views)
	}
	if n := r.Doc.Find("tbody tr").Length(); n != 50 {
		t.Fatalf("capped search: %d rows", n)
	}
}

func TestAgentOpensAConversationOnBehalfOfAThirdParty(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	c := a.signIn(a.Accueil)
	demand := c.get(fmt.Sprintf("/gestion/demandes/%d", d.ID))
	href, ok := demand.Doc.Find(`a[href*="/gestion/messages/nouvelle?demande="]`).Attr("href")
	if !ok {
		t.Fatal("no way to write to the citizen from the demand's page")
	}
	form := c.get(href)
	mustStatus(t, form, http.StatusOK)
	assertAccessible(t, form.Doc)
	r := c.postMessage("/gestion/messages", map[string]string{"demande": fmt.Sprint(d.ID), "objet": "Votre voisin a appelé",
		"email": "fille@exemple.fr", "nom": "Sa fille", "canal": "phone", "message": "Nous avons noté votre appel."}, nil)
	mustStatus(t, r, http.StatusSeeOther)
	page := c.follow(r)
	mustContain(t, page, "fille@exemple.fr")
	mustContain(t, page, "Demande "+d.Reference)
	m := mailTo(t, a.sendMail(), "fille@exemple.fr")
	if !strings.Contains(m.Text, "Nous avons noté votre appel.") {
		t.Fatalf("mail: %s", m.Text)
	}
	demand = c.get(fmt.Sprintf("/gestion/demandes/%d", d.ID))
	if !strings.Contains(demand.Doc.Find("#conversations + ul").Text(), "Votre voisin a appelé") {
		t.Fatal("the demand's page does not show its conversation")
	}
}

func (a *app) reloadConversation(t testing.TB, cv *models.Conversation) *models.Conversation {
	t.Helper()
	got, err := models.ConversationByID(t.Context(), a.DB, a.Commune.ID, cv.ID)
	fixture.Must(t, err)
	return got
}

func TestConversationMailsThreadAndReplyAddress(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Stationnement", "Puis-je me garer ?")
	ms := a.sendMail()
	opened := mailTo(t, ms, "camille@exemple.fr")
	mailTo(t, ms, a.Accueil.Email)
	if len(mailsTo(ms, a.Supervisor.Email)) != 0 {
		t.Fatal("the supervisor is told of a conversation of nobody's")
	}
	thread, err := models.Thread(t.Context(), a.DB, a.Commune.ID, cv.ID, false)
	fixture.Must(t, err)
	if got := opened.Header("Message-ID"); got != "<"+thread[0].MailID+">" {
		t.Fatalf("Message-ID %q, want the message's %q", got, thread[0].MailID)
	}
	if got := opened.Header("References"); got != "<conversation-"+cv.Reference+"@"+a.Notifier.Host()+">" {
		t.Fatalf("References %q", got)
	}
	rt := opened.Header("Reply-To")
	tok := strings.TrimSuffix(strings.TrimPrefix(rt, "<reponse+"), "@mairie.test>")
	if communeID, id, err := a.Links.VerifyReplyToken(tok); err != nil || communeID != a.Commune.ID || id != cv.ID {
		t.Fatalf("Reply-To %q names %d/%d: %v", rt, communeID, id, err)
	}

	// Assigned, only the assignee is told of the citizen's messages.
	_, err = a.App.Conversations.Assign(t.Context(), workflow.AgentActor(a.Accueil), cv.ID, cv.Version, a.Supervisor.ID)
	fixture.Must(t, err)
	before := len(mailsTo(ms, a.Accueil.Email))
	_, _, err = a.App.Conversations.Post(t.Context(), a.Commune, conversation.CitizenOf(cv), cv.ID, conversation.MessageInput{Body: "Et le dimanche ?"})
	fixture.Must(t, err)
	ms = a.sendMail()
	if got := mailsTo(ms, a.Supervisor.Email); len(got) != 1 || !strings.Contains(got[0].Text, "Et le dimanche ?") || !strings.Contains(got[0].Text, fmt.Sprintf("/gestion/messages/%d", cv.ID)) {
		t.Fatalf("assignee's mails: %d", len(got))
	}
	if len(mailsTo(ms, a.Accueil.Email)) != before {
		t.Fatal("the accueil is still told once assigned")
	}
	// The commune's reply: its text, the link back, in the thread.
	a.reply(t, a.Supervisor, cv, "Oui, gratuitement.\nBonne journée.")
	got := mailsTo(a.sendMail(), "camille@exemple.fr")
	m := got[len(got)-1]
	if !strings.Contains(m.Text, "Oui, gratuitement.\nBonne journée.") || !strings.Contains(m.Text, "/messages/") || !strings.Contains(m.Subject, cv.Reference) {
		t.Fatalf("reply mail %q:\n%s", m.Subject, m.Text)
	}
	if !strings.Contains(m.HTML, "Oui, gratuitement.\nBonne journée.") || !strings.Contains(m.HTML, "pre-wrap") {
		t.Fatalf("HTML body: %s", m.HTML)
	}
}

func TestForwardACitizensMessageToAnotherAdministration(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Carte grise", "Je voudrais refaire ma carte grise.")
	before := len(mailsTo(a.sendMail(), "camille@exemple.fr"))
	c := a.signIn(a.Accueil)
	path := fmt.Sprintf("/gestion/messages/%d", cv.ID)
	page := c.get(path)
	msgID := page.Doc.Find(`#message_transmis option[value!=""]`).First().AttrOr("value", "")
	r := c.post(path+"/transfert", url.Values{"message_transmis": {msgID}, "destinataire": {"pas une adresse"}, "note": {"Pour vous"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if v := r.Doc.Find("#destinataire").AttrOr("value", ""); v != "pas une adresse" {
		t.Fatalf("address not kept: %q", v)
	}
	r = c.post(path+"/transfert", url.Values{"message_transmis": {msgID}, "destinataire": {"ants@interieur.gouv.fr"}, "note": {"Relève de l'ANTS."}})
	mustStatus(t, r, http.StatusSeeOther)
	ms := a.sendMail()
	out := mailTo(t, ms, "ants@interieur.gouv.fr")
	if !strings.Contains(out.Text, "Je voudrais refaire ma carte grise.") || !strings.Contains(out.Text, "Relève de l'ANTS.") || !strings.HasPrefix(out.Header("Reply-To"), "<reponse+") {
		t.Fatalf("forwarded mail:\n%s", out.Text)
	}
	told := mailsTo(ms, "camille@exemple.fr")[before:]
	if len(told) != 1 || !strings.Contains(told[0].Text, "ants@interieur.gouv.fr") || strings.Contains(told[0].Text, "Relève de l'ANTS.") {
		t.Fatalf("citizen told: %d mails", len(told))
	}
	tags, err := models.ConversationTags(t.Context(), a.DB, a.Commune.ID, cv.ID)
	fixture.Must(t, err)
	if len(tags) != 1 || tags[0].Name != "transfert" {
		t.Fatalf("tags %+v", tags)
	}
	mustContain(t, c.get(path), "Message transmis à ants@interieur.gouv.fr")
	// Another commune's agent cannot forward it.
	other := fixture.NewWorld(t, a.DB)
	mustStatus(t, a.signIn(other.Supervisor).post(path+"/transfert", url.Values{"message_transmis": {msgID}, "destinataire": {"x@exemple.fr"}}), http.StatusNotFound)
}

func TestNoticeWhenAnotherAgentHasTheConversationOpen(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Question", "Bonjour")
	path := fmt.Sprintf("/gestion/messages/%d", cv.ID)
	acc, sup := a.signIn(a.Accueil), a.signIn(a.Supervisor)
	if strings.Contains(text(acc.get(path)), "aussi ouvert") {
		t.Fatal("a notice with nobody else")
	}
	if got := text(sup.get(path)); !strings.Contains(got, a.Accueil.Name+" a aussi ouvert cette conversation") {
		t.Fatalf("no notice: %s", got)
	}
	a.Clock.Advance(11 * time.Minute)
	if strings.Contains(text(acc.get(path)), "aussi ouvert") {
		t.Fatal("the notice outlives the others' visit")
	}
}

func TestMergeTwoConversationsOfTheSameCitizen(t *testing.T) {
	a := newApp(t)
	first := a.openConversation(t, "camille@exemple.fr", "Première", "Un")
	a.Clock.Advance(time.Minute)
	second := a.openConversation(t, "camille@exemple.fr", "Seconde", "Deux")
	other := a.openConversation(t, "dominique@exemple.fr", "Autre", "Trois")
	c := a.signIn(a.Accueil)
	from := fmt.Sprintf("/gestion/messages/%d", second.ID)
	r := c.post(from+"/fusion", url.Values{"avec": {other.Reference}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if v := r.Doc.Find("#avec").AttrOr("value", ""); v != other.Reference {
		t.Fatalf("reference not kept: %q", v)
	}
	mustContain(t, r, "même usager")
	r = c.post(from+"/fusion", url.Values{"avec": {first.Reference}})
	mustStatus(t, r, http.StatusSeeOther)
	page := c.follow(r)
	bodies := page.Doc.Find(".thread .message-body").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
	if strings.Join(bodies, ",") != "Un,Deux" {
		t.Fatalf("merged thread %v", bodies)
	}
	mustContain(t, page, "Fusion ici de la conversation "+second.Reference)
	if list := c.get("/gestion/messages"); strings.Contains(text(list), "Seconde") {
		t.Fatal("the merged conversation still listed")
	}
	// The citizen's link to the merged one shows the thread it joined.
	var link string
	for _, m := range mailsTo(a.sendMail(), "camille@exemple.fr") {
		if strings.Contains(m.Subject, second.Reference) {
			link = conversationLinkIn(t, m)
		}
	}
	mustContain(t, a.client().get(link), "Première")
}

func TestGivenToAServiceTheConversationLeavesTheAccueilsViews(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Trottoir", "Trou dans le trottoir")
	c := a.signIn(a.Accueil)
	path := fmt.Sprintf("/gestion/messages/%d", cv.ID)
	r := c.post(path+"/equipe", url.Values{"version": {"1"}, "equipe": {fmt.Sprint(a.Voirie.ID)}})
	mustStatus(t, r, http.StatusSeeOther)
	if r.Header.Get("Location") != "/gestion/messages" {
		t.Fatalf("sent to %s", r.Header.Get("Location"))
	}
	mustStatus(t, c.get(path), http.StatusNotFound)
	sup := a.signIn(a.Supervisor)
	page := sup.get(path)
	mustStatus(t, page, http.StatusOK)
	mustContain(t, page, "Équipe : voirie")
	if !strings.Contains(text(sup.get("/gestion/messages?equipe="+fmt.Sprint(a.Voirie.ID))), "Trottoir") {
		t.Fatal("the supervisor's team filter misses it")
	}
}
