package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
	"guichet/workflow"
)

// TestConversationsStayInTheirCommune: an agent of another commune reaches
// no conversation, message, file or tag of this one, by any route.
func TestConversationsStayInTheirCommune(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Sujet de Camille", "Message de Camille")
	mine := a.signIn(a.Accueil)
	p := fmt.Sprintf("/gestion/messages/%d", cv.ID)
	mustStatus(t, mine.postMessage(p+"/messages", map[string]string{"mode": "note", "message": "note"}, &upload{Name: "a.pdf", Content: pdfFile(100)}), http.StatusSeeOther)
	fixture.Must(t, a.App.Conversations.Tag(t.Context(), workflow.AgentActor(a.Accueil), cv.ID, "Étiquette de Camille", false))
	var fileID int64
	fixture.Must(t, a.DB.NewRaw("SELECT id FROM conversation_files WHERE conversation_id = ?", cv.ID).Scan(t.Context(), &fileID))
	tags, err := models.Tags(t.Context(), a.DB, a.Commune.ID)
	fixture.Must(t, err)
	d := a.DemandAt(t, fixture.AtSubmitted)
	held := a.signIn(a.heldAgent(t))
	mustStatus(t, held.postMessage(p+"/messages", map[string]string{"mode": "reponse", "message": "Réponse à valider"}, nil), http.StatusSeeOther)
	var heldID int64
	fixture.Must(t, a.DB.NewRaw("SELECT id FROM pending_replies WHERE conversation_id = ?", cv.ID).Scan(t.Context(), &heldID))
	hp := fmt.Sprintf("%s/a-valider/%d", p, heldID)

	other := fixture.NewWorld(t, a.DB)
	theirs, _, err := other.App.Conversations.Open(t.Context(), other.Commune, workflow.AgentActor(other.Accueil), convOpen("tiers@exemple.fr"))
	fixture.Must(t, err)
	for _, who := range []*models.Agent{other.Accueil, other.Supervisor} {
		c := a.signIn(who)
		for _, r := range []*response{
			c.get(p),
			c.get(fmt.Sprintf("%s/pieces/%d", p, fileID)),
			c.postMessage(p+"/messages", map[string]string{"mode": "reponse", "message": "intrus"}, nil),
			c.post(p+"/statut", url.Values{"version": {"1"}, "statut": {"resolved"}}),
			c.post(p+"/attribution", url.Values{"version": {"1"}, "agent": {"moi"}}),
			c.post(p+"/equipe", url.Values{"version": {"1"}, "equipe": {fmt.Sprint(a.Voirie.ID)}}),
			c.post(p+"/etiquettes", url.Values{"etiquette": {"intrus"}}),
			c.post(p+"/etiquettes/retirer", url.Values{"etiquette": {"Étiquette de Camille"}}),
			c.post(p+"/fusion", url.Values{"avec": {cv.Reference}}),
			c.post(hp+"/modifier", url.Values{"version": {"1"}, "message": {"intrus"}}),
			c.get(fmt.Sprintf("/gestion/messages/nouvelle?demande=%d", d.ID)),
			c.postMessage("/gestion/messages", map[string]string{"demande": fmt.Sprint(d.ID), "objet": "x", "email": "x@exemple.fr", "canal": "phone", "message": "x"}, nil),
		} {
			if r.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s by %s: %d", r.Request.Method, r.Request.URL, who.Email, r.StatusCode)
			}
		}
		// Validating needs the permission first (their accueil lacks it), then finds nothing.
		for _, r := range []*response{
			c.post(hp+"/envoyer", url.Values{"version": {"1"}, "message": {"intrus"}}),
			c.post(hp+"/renvoyer", url.Values{"version": {"1"}, "commentaire": {"intrus"}}),
		} {
			if want := map[bool]int{true: http.StatusNotFound, false: http.StatusForbidden}[who.Has(perm.Validate)]; r.StatusCode != want {
				t.Errorf("%s %s by %s: %d, want %d", r.Request.Method, r.Request.URL, who.Email, r.StatusCode, want)
			}
		}
		// Their own conversation merged with ours? Not found either.
		r := c.post(fmt.Sprintf("/gestion/messages/%d/fusion", theirs.ID), url.Values{"avec": {cv.Reference}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("merge into another commune's: %d", r.StatusCode)
		}
		for _, view := range models.InboxViews {
			list := c.get("/gestion/messages?vue=" + view + "&etiquette=" + fmt.Sprint(tags[0].ID))
			if strings.Contains(list.Body, "Camille") {
				t.Errorf("inbox %s shows another commune's conversation", view)
			}
		}
		if list := c.get("/gestion/messages?vue=ouvertes"); strings.Contains(list.Body, "Étiquette de Camille") || strings.Contains(list.Body, "Sujet de Camille") {
			t.Error("another commune's tag or subject offered")
		}
	}
	// Nothing of theirs changed ours.
	got := a.reloadConversation(t, cv)
	if got.Status != models.ConvNew || got.AssigneeID != nil || got.ServiceID != nil || got.MergedInto != nil || got.Version != 1 {
		t.Fatalf("changed: %+v", got)
	}
	thread, err := models.Thread(t.Context(), a.DB, a.Commune.ID, cv.ID, false)
	fixture.Must(t, err)
	if len(thread) != 2 {
		t.Fatalf("%d messages", len(thread))
	}
	pending, err := models.PendingReplies(t.Context(), a.DB, a.Commune.ID, cv.ID)
	fixture.Must(t, err)
	if len(pending) != 1 || pending[0].Version != 1 || pending[0].Body != "Réponse à valider" {
		t.Fatalf("held reply changed: %+v", pending)
	}
}
