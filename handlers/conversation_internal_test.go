package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"guichet/fixture"
	"guichet/models"
)

// TestInternalMessagesNeverReachTheCitizen fills a demand's conversation
// with notes (and a note's file) between real exchanges, then renders every
// page the citizen can reach and every mail that leaves for anyone but an
// agent: no note's text, nor its file, is in any of them.
func TestInternalMessagesNeverReachTheCitizen(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	follow, err := a.Notifier.FollowURL(a.Commune, d)
	fixture.Must(t, err)
	citizen := a.client()
	page := citizen.get(follow)
	action := page.Doc.Find(`form[action$="/messages"]`).AttrOr("action", "")
	mustStatus(t, citizen.postMessage(action, map[string]string{"message": "Ma question"}, nil), http.StatusSeeOther)
	cv := a.onlyConversation(t)
	path := fmt.Sprintf("/gestion/messages/%d", cv.ID)
	agent := a.signIn(a.Accueil)
	secret := func(i int) string { return fmt.Sprintf("NOTE-SECRETE-%d", i) }
	step := func(form map[string]string, file *upload) {
		t.Helper()
		a.Clock.Advance(time.Minute)
		mustStatus(t, agent.postMessage(path+"/messages", form, file), http.StatusSeeOther)
	}
	step(map[string]string{"mode": "note", "message": secret(1)}, nil)
	step(map[string]string{"mode": "reponse", "message": "Réponse publique"}, nil)
	step(map[string]string{"mode": "note", "message": secret(2)}, &upload{Name: secret(3) + ".pdf", Content: pdfFile(300)})
	mustStatus(t, citizen.postMessage(action, map[string]string{"message": "Merci"}, nil), http.StatusSeeOther)
	step(map[string]string{"mode": "note", "message": secret(4) + "\nsur deux lignes"}, nil)
	step(map[string]string{"mode": "echange", "canal": "phone", "message": "Appel consigné"}, nil)
	step(map[string]string{"mode": "note", "message": secret(5)}, nil)
	mustStatus(t, agent.post(path+"/etiquettes", map[string][]string{"etiquette": {secret(6)}}), http.StatusSeeOther)

	// Every mail: the citizen's and the link's.
	mails := a.sendMail()
	var link string
	for _, m := range mails {
		isAgent := false
		for _, ag := range []*models.Agent{a.Accueil, a.Supervisor, a.Admin} {
			isAgent = isAgent || strings.EqualFold(m.To[0], ag.Email)
		}
		if isAgent {
			continue
		}
		for i := 1; i <= 6; i++ {
			if strings.Contains(string(m.Raw), secret(i)) || strings.Contains(m.Text, secret(i)) || strings.Contains(m.HTML, secret(i)) {
				t.Fatalf("mail %q to %v carries %s", m.Subject, m.To, secret(i))
			}
		}
		if strings.Contains(m.Text, "/messages/") {
			link = conversationLinkIn(t, m)
		}
	}
	if link == "" {
		t.Fatal("the citizen got no link to the conversation")
	}
	var noteFile int64
	fixture.Must(t, a.DB.NewRaw("SELECT id FROM conversation_files WHERE commune_id = ?", a.Commune.ID).Scan(t.Context(), &noteFile))

	// Every page the citizen reaches, and the note's file by every route.
	for _, p := range []string{follow, link, "/c/" + a.Commune.Slug + "/", "/c/" + a.Commune.Slug + "/contact"} {
		r := citizen.get(p)
		mustStatus(t, r, http.StatusOK)
		for i := 1; i <= 6; i++ {
			if strings.Contains(r.Body, secret(i)) {
				t.Fatalf("%s shows %s", p, secret(i))
			}
		}
		if strings.Contains(r.Body, "Note interne") {
			t.Fatalf("%s shows a note", p)
		}
	}
	mustContain(t, citizen.get(link), "Réponse publique")
	mustContain(t, citizen.get(link), "Appel consigné")
	for _, p := range []string{fmt.Sprintf("%s/pieces/%d", link, noteFile), fmt.Sprintf("%s/messages/pieces/%d", pathOf(t, follow), noteFile)} {
		if r := citizen.get(p); r.StatusCode != http.StatusNotFound {
			t.Fatalf("%s: %d", p, r.StatusCode)
		}
	}
	// The agent sees it all.
	r := agent.get(path)
	for i := 1; i <= 5; i++ {
		mustContain(t, r, secret(i))
	}
}
