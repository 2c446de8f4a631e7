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

func TestSavedRepliesWithVariables(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	fixture.Must(t, models.SetCitizenName(t.Context(), a.DB, d, "Claude Dupont"))
	agent := a.signIn(a.Accueil)
	list := agent.get("/gestion/messages/reponses")
	mustStatus(t, list, http.StatusOK)
	assertAccessible(t, list.Doc)
	r := agent.post("/gestion/messages/reponses", url.Values{"titre": {""}, "texte": {"x"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustStatus(t, agent.post("/gestion/messages/reponses", url.Values{"titre": {"État"}, "texte": {"Bonjour {nom}, votre demande {reference} est « {etat} ».\n{contact}"}}), http.StatusSeeOther)
	mustStatus(t, agent.post("/gestion/messages/reponses", url.Values{"titre": {"Voirie seulement"}, "texte": {"Réservé"}, "equipe": {fmt.Sprint(a.Voirie.ID)}}), http.StatusSeeOther)

	r = agent.postMessage("/gestion/messages", map[string]string{"demande": fmt.Sprint(d.ID), "objet": "Suivi", "email": d.CitizenEmail, "nom": "Claude Dupont", "canal": "phone", "message": "Appel"}, nil)
	mustStatus(t, r, http.StatusSeeOther)
	path := r.Header.Get("Location")
	page := agent.get(path)
	opts := page.Doc.Find("#modele option")
	if opts.Length() != 1 || opts.Text() != "État" {
		t.Fatalf("saved replies offered: %q", opts.Text())
	}
	id := opts.AttrOr("value", "")
	page = agent.get(path + "?modele=" + id)
	typed := page.Doc.Find("#reponse-message").Text()
	want := fmt.Sprintf("Bonjour Claude Dupont, votre demande %s est « À vérifier par l'accueil ».\n%s", d.Reference, a.Commune.Address)
	if !strings.HasPrefix(typed, want) {
		t.Fatalf("inserted %q, want %q…", typed, want)
	}
	form := formValues(page.Doc.Find(".composer--reply form[method=post]"))
	fields := map[string]string{}
	for k := range form {
		fields[k] = form.Get(k)
	}
	mustStatus(t, agent.postMessage(path+"/messages", fields, nil), http.StatusSeeOther)
	rs, err := models.SavedReplies(t.Context(), a.DB, a.Commune.ID, "")
	fixture.Must(t, err)
	for _, r := range rs {
		if want := map[string]int{"État": 1, "Voirie seulement": 0}[r.Title]; r.Uses != want {
			t.Fatalf("%s used %d times, want %d", r.Title, r.Uses, want)
		}
	}
	// Another commune's agent sees none of them.
	other := fixture.NewWorld(t, a.DB)
	stranger := a.signIn(other.Accueil)
	if strings.Contains(stranger.get("/gestion/messages/reponses").Body, "Voirie seulement") {
		t.Fatal("another commune's saved reply shown")
	}
	r = stranger.post("/gestion/messages/reponses", url.Values{"titre": {"x"}, "texte": {"x"}, "equipe": {fmt.Sprint(a.Voirie.ID)}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
}
