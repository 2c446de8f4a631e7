package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
)

func TestTransferMessageForTheServiceOnly(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	agent := a.signIn(a.Accueil)
	page := agent.get(fmt.Sprintf("/gestion/demandes/%d", d.ID))
	form := page.Doc.Find(`form[action*="/actions/transmettre"]`)
	if form.Find("textarea").Length() != 1 || form.Find("textarea").AttrOr("aria-required", "") == "true" {
		t.Fatal("the transfer form has no optional message")
	}
	const msg = "Voir le poteau n° 12, appel de la voisine ce matin."
	r := agent.post(fmt.Sprintf("/gestion/demandes/%d/actions/transmettre", d.ID), url.Values{"version": {fmt.Sprint(d.Version)},
		"service": {fmt.Sprint(a.Voirie.ID)}, "message": {msg}, "confirmer": {"oui"}})
	mustStatus(t, r, http.StatusSeeOther)
	ms := a.sendMail()
	link := linkIn(t, mailTo(t, ms, a.Voirie.Email), "/service/")
	svc := a.client().get(link)
	notes := svc.Doc.Find("h2:contains('Message et notes de l') + ol")
	if !strings.Contains(notes.Text(), msg) {
		t.Fatalf("service page: %s", text(svc))
	}
	follow, err := a.Notifier.FollowURL(a.Commune, d)
	fixture.Must(t, err)
	if strings.Contains(a.client().get(follow).Body, "poteau") {
		t.Fatal("the citizen reads the accueil's message for the service")
	}
	for _, m := range mailsTo(ms, d.CitizenEmail) {
		if strings.Contains(m.Text, "poteau") {
			t.Fatal("the citizen is mailed the accueil's message for the service")
		}
	}
	if !strings.Contains(agent.get(fmt.Sprintf("/gestion/demandes/%d", d.ID)).Body, msg) {
		t.Fatal("the agent's history lost the message")
	}

	// The service writes to the citizen through its link.
	svcClient := a.client()
	page = svcClient.get(link)
	action := page.Doc.Find(`form[action$="/message-usager"]`).AttrOr("action", "")
	if action == "" {
		t.Fatal("no « Écrire à l'usager » on the service's page")
	}
	r = svcClient.postMessage(action, map[string]string{"usager-message": "Nous passons jeudi.", "usager-person": "Jeanne"}, nil)
	mustStatus(t, r, http.StatusSeeOther)
	page = svcClient.follow(r)
	mustContain(t, page, "Nous passons jeudi.")
	m := mailTo(t, a.sendMail(), d.CitizenEmail)
	if !strings.Contains(m.Text, "Le service voirie (Jeanne)") || !strings.Contains(m.Text, "Nous passons jeudi.") {
		t.Fatalf("citizen mail: %s", m.Text)
	}
	cv := a.onlyConversation(t)
	if cv.DemandID == nil || *cv.DemandID != d.ID || cv.Status != models.ConvWaiting {
		t.Fatalf("conversation %+v", cv)
	}
	mustContain(t, agent.get(fmt.Sprintf("/gestion/messages/%d", cv.ID)), "Nous passons jeudi.")
	// An empty message is refused in French, nothing sent.
	r = svcClient.postMessage(action, map[string]string{"usager-message": " "}, nil)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if msg, ok := fieldError(r, "usager-message"); !ok || msg == "" {
		t.Fatal("no error on the empty message")
	}
}
