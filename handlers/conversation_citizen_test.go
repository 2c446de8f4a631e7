package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/fixture"
	"guichet/models"
)

func TestContactTheCommuneWithoutAnAccount(t *testing.T) {
	a := newApp(t)
	c := a.client()
	home := c.get("/c/" + a.Commune.Slug + "/")
	if home.Doc.Find(`a[href="/c/`+a.Commune.Slug+`/contact"]`).Length() != 1 {
		t.Fatal("no link to « Contacter la mairie » on the portal")
	}
	// The first step asks the question alone; the whole form follows it.
	step := c.get("/c/" + a.Commune.Slug + "/contact")
	mustStatus(t, step, http.StatusOK)
	if step.Doc.Find(`textarea[name="question"]`).Length() != 1 || step.Doc.Find(`input[name="objet"]`).Length() != 0 {
		t.Fatalf("the first step is not « Décrivez votre question »: %s", text(step))
	}
	assertAccessible(t, step.Doc)
	form := c.get("/c/" + a.Commune.Slug + "/contact?question=")
	mustStatus(t, form, http.StatusOK)
	if form.Doc.Find(`select[name="demarche"] option`).Length() < 2 {
		t.Fatal("no procedure to choose")
	}
	assertAccessible(t, form.Doc)

	page := a.contact(c, "camille@exemple.fr", "Poubelles non ramassées", "Rue Haute,\ndepuis lundi.", &upload{Name: "photo.png", Content: pngFile()})
	mustStatus(t, page, http.StatusOK)
	mustContain(t, page, "Poubelles non ramassées")
	if got := page.Doc.Find(".thread .message-body").First().Text(); got != "Rue Haute,\ndepuis lundi." {
		t.Fatalf("message shown as %q", got)
	}
	ref := page.Doc.Find("strong.code").Text()
	if !strings.HasPrefix(ref, "M-") {
		t.Fatalf("reference %q", ref)
	}
	assertAccessible(t, page.Doc)

	m := mailTo(t, a.sendMail(), "camille@exemple.fr")
	if !strings.Contains(m.Subject, ref) || !strings.Contains(m.Text, "Rue Haute,\ndepuis lundi.") {
		t.Fatalf("mail %q:\n%s", m.Subject, m.Text)
	}
	if rt := m.Header("Reply-To"); !strings.HasPrefix(rt, "<reponse+") || !strings.HasSuffix(rt, "@mairie.test>") {
		t.Fatalf("Reply-To %q", rt)
	}
	link := conversationLinkIn(t, m)
	// The accueil is told.
	mailTo(t, a.SMTP.Messages(), a.Accueil.Email)

	// The citizen's file comes back from the link.
	href, _ := page.Doc.Find(".thread .file-list a").Attr("href")
	res, body := a.client().download(href)
	if res.StatusCode != http.StatusOK || string(body) != string(pngFile()) {
		t.Fatalf("file: %d", res.StatusCode)
	}

	// The accueil answers; the citizen sees it marked new, once.
	cv := a.onlyConversation(t)
	a.Clock.Advance(time.Minute)
	a.reply(t, a.Accueil, cv, "Nous passons demain.")
	other := a.client()
	p := other.get(link)
	if p.Doc.Find(".badge--new").Length() != 1 {
		t.Fatalf("new replies marked: %d", p.Doc.Find(".badge--new").Length())
	}
	if p = other.get(link); p.Doc.Find(".badge--new").Length() != 0 {
		t.Fatal("still marked new once read")
	}
	r := other.postMessage(link, map[string]string{"message": "Merci beaucoup."}, nil)
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, other.follow(r), "Merci beaucoup.")
}

func TestContactRefusalsKeepWhatWasTyped(t *testing.T) {
	a := newApp(t)
	c := a.client()
	r := c.postMessage("/c/"+a.Commune.Slug+"/contact", map[string]string{"objet": "Question", "message": "Bonjour", "nom": "Camille", "email": "pas-une-adresse"}, nil)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if v, _ := r.Doc.Find("#objet").Attr("value"); v != "Question" {
		t.Fatalf("subject not kept: %q", v)
	}
	if r.Doc.Find("#message").Text() != "Bonjour" {
		t.Fatal("message not kept")
	}
	if _, ok := fieldError(r, "email"); !ok {
		t.Fatal("no error on the address")
	}
	r = c.postMessage("/c/"+a.Commune.Slug+"/contact", map[string]string{"objet": "Question", "message": "Bonjour", "nom": "Camille", "email": "camille@exemple.fr"}, &upload{Name: "virus.pdf", Content: exeFile()})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if msg, ok := fieldError(r, "fichier"); !ok || !strings.Contains(msg, "exécutable") {
		t.Fatalf("file refusal: %q", msg)
	}
	if n := a.count("conversations"); n != 0 {
		t.Fatalf("%d conversations opened", n)
	}
}

func TestContactIsRateLimited(t *testing.T) {
	a := newApp(t)
	c := a.client()
	for i := 0; i < 5; i++ {
		a.contact(c, "camille@exemple.fr", "Question", "Bonjour", nil)
	}
	r := c.postMessage("/c/"+a.Commune.Slug+"/contact", map[string]string{"objet": "Question", "message": "Bonjour", "nom": "Camille", "email": "camille@exemple.fr"}, nil)
	mustStatus(t, r, http.StatusTooManyRequests)
	mustContain(t, r, "réessayez dans une heure")
}

func TestWriteToTheCommuneFromTheFollowPage(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	follow, err := a.Notifier.FollowURL(a.Commune, d)
	fixture.Must(t, err)
	c := a.client()
	page := c.get(follow)
	mustContain(t, page, "Écrire à la mairie")
	action, _ := page.Doc.Find(`form[action$="/messages"]`).Attr("action")
	r := c.postMessage(action, map[string]string{"message": "Où en est ma demande ?"}, nil)
	mustStatus(t, r, http.StatusSeeOther)
	cv := a.onlyConversation(t)
	if cv.DemandID == nil || *cv.DemandID != d.ID || !strings.Contains(cv.Subject, d.Reference) {
		t.Fatalf("conversation %+v", cv)
	}
	a.Clock.Advance(time.Minute)
	a.reply(t, a.Accueil, cv, "Elle est à la voirie.")
	page = c.get(follow)
	if page.Doc.Find("#titre-echanges ~ .thread .badge--new, .thread .badge--new").Length() != 1 {
		t.Fatal("reply not marked new on the follow page")
	}
	mustContain(t, page, "Elle est à la voirie.")
	// A second message goes to the same conversation.
	r = c.postMessage(action, map[string]string{"message": "Merci"}, nil)
	mustStatus(t, r, http.StatusSeeOther)
	if n := a.count("conversations"); n != 1 {
		t.Fatalf("%d conversations", n)
	}
}

func TestConversationLinkBoundToItsConversation(t *testing.T) {
	a := newApp(t)
	c := a.client()
	a.contact(c, "camille@exemple.fr", "Première", "Un", nil)
	a.contact(c, "dominique@exemple.fr", "Seconde", "Deux", nil)
	ms := a.sendMail()
	first := conversationLinkIn(t, mailTo(t, ms, "camille@exemple.fr"))
	mustContain(t, a.client().get(first), "Première")
	// The token names the first conversation: altered, it opens nothing.
	tok := first[strings.LastIndex(first, "/")+1:]
	bad := first[:strings.LastIndex(first, "/")+1] + tok[:len(tok)-2] + "AA"
	mustStatus(t, a.client().get(bad), http.StatusForbidden)
	// Another commune's portal refuses it.
	other := fixture.NewWorld(t, a.DB)
	mustStatus(t, a.client().get("/c/"+other.Commune.Slug+"/messages/"+tok), http.StatusForbidden)
	// A follow link of a demand is no conversation link.
	d := a.DemandAt(t, fixture.AtSubmitted)
	follow, _ := a.Notifier.FollowURL(a.Commune, d)
	ftok := follow[strings.LastIndex(follow, "/")+1:]
	mustStatus(t, a.client().get("/c/"+a.Commune.Slug+"/messages/"+ftok), http.StatusForbidden)
}

// onlyConversation is the commune's one conversation.
func (a *app) onlyConversation(t testing.TB) *models.Conversation {
	t.Helper()
	var cvs []models.Conversation
	fixture.Must(t, a.DB.NewSelect().Model(&cvs).Where("commune_id = ?", a.Commune.ID).Scan(t.Context()))
	if len(cvs) != 1 {
		t.Fatalf("%d conversations", len(cvs))
	}
	return &cvs[0]
}

// count counts a table's rows of the app's commune.
func (a *app) count(table string) int {
	var n int
	fixture.Must(a.t, a.DB.NewRaw("SELECT count(*) FROM ? WHERE commune_id = ?", bun.Ident(table), a.Commune.ID).Scan(a.t.Context(), &n))
	return n
}

func TestUnstorableMessageTextRefusedInFrench(t *testing.T) {
	a := newApp(t)
	c := a.client()
	r := c.postMessage("/c/"+a.Commune.Slug+"/contact", map[string]string{"objet": "Question", "message": "Bon\x00jour \xff", "nom": "Camille", "email": "camille@exemple.fr"}, nil)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "caractère non autorisé")
	if got := r.Doc.Find("#message").Text(); got != "Bonjour \ufffd" {
		t.Fatalf("kept %q", got)
	}
	if n := a.count("conversations"); n != 0 {
		t.Fatalf("%d conversations", n)
	}
}
