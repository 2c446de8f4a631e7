package handlers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/conversation"
	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
	"guichet/receipt/receipttest"
	"guichet/retention"
	"guichet/workflow"
)

// citizenDemand is a demand of email with the answers given, driven to
// the setup's state (AtDraft or AtSubmitted, AtAccepted).
func (a *app) citizenDemand(t *testing.T, email, name, text string, at fixture.Setup) *models.Demand {
	t.Helper()
	d := a.Draft(t, email)
	data, _ := json.Marshal(map[string]any{"nom": name, "description": text})
	a.exec("UPDATE demands SET citizen_name = ?, data = ? WHERE id = ?", name, string(data), d.ID)
	d = a.reload(t, d)
	switch at {
	case fixture.AtSubmitted, fixture.AtAccepted:
		d = a.Apply(t, d, workflow.Submit, a.Citizen(d), workflow.Input{})
		if at == fixture.AtAccepted {
			d = a.Apply(t, d, workflow.Accept, workflow.AgentActor(a.Accueil), workflow.Input{})
		}
	}
	return d
}

// citizenConversation is a conversation email opened without a demand,
// answered by the accueil.
func (a *app) citizenConversation(t *testing.T, email, name, subject, body string) *models.Conversation {
	t.Helper()
	cv, _, err := a.App.Conversations.Open(t.Context(), a.Commune, conversation.Citizen(a.Commune.ID, name),
		conversation.OpenInput{Subject: subject, Email: email, Name: name, Client: "client:" + email, Message: conversation.MessageInput{Body: body}})
	fixture.Must(t, err)
	a.reply(t, a.Accueil, cv, "Réponse de la mairie à "+name+".")
	return cv
}

// unzip reads an archive's entries by name.
func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	fixture.Must(t, err)
	out := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		fixture.Must(t, err)
		out[f.Name], err = io.ReadAll(r)
		fixture.Must(t, err)
		r.Close()
	}
	return out
}

// TestExportHoldsEverythingOfOneCitizen: a supervisor finds a citizen's two
// demands (a draft among them) and conversation by their address (any
// case), and exports them as a ZIP with a readable PDF, a JSON file and
// the files, holding all of it and nothing of another citizen.
func TestExportHoldsEverythingOfOneCitizen(t *testing.T) {
	a := newApp(t)
	const anne, bruno = "anne.martel@exemple.fr", "bruno.lescure@exemple.fr"
	sent := a.citizenDemand(t, anne, "Anne Martel", "Trottoir défoncé rue Alphonse", fixture.AtSubmitted)
	photo := append(pdfFile(400), "photo-du-trottoir"...)
	a.attach(sent, "", "trottoir.pdf", photo)
	draft := a.citizenDemand(t, anne, "Anne Martel", "Brouillon sur le banc cassé", fixture.AtDraft)
	cv := a.citizenConversation(t, anne, "Anne Martel", "Horaires de la piscine", "Quels sont les horaires d'été ?")
	other := a.citizenDemand(t, bruno, "Bruno Lescure", "Haie débordante chemin Vert", fixture.AtSubmitted)
	otherCv := a.citizenConversation(t, bruno, "Bruno Lescure", "Bruit nocturne", "Un voisin bruyant la nuit.")
	publishedExperience(t, a, anne, "Le marché du dimanche est très agréable.", "Merci, le marché continue tout l'été.")
	publishedExperience(t, a, bruno, "La déchetterie ferme bien trop tôt.", "Nous allongeons ses horaires.")
	mine := []string{sent.Reference, draft.Reference, cv.Reference, "Anne Martel", anne, "Trottoir défoncé rue Alphonse",
		"Brouillon sur le banc cassé", "Horaires de la piscine", "Quels sont les horaires d'été ?", "Réponse de la mairie à Anne Martel.", "trottoir.pdf",
		"Le marché du dimanche est très agréable.", "Merci, le marché continue tout l'été."}
	theirs := []string{other.Reference, otherCv.Reference, "Bruno", "Lescure", bruno, "Haie débordante", "Bruit nocturne", "voisin bruyant",
		"déchetterie", "allongeons"}

	sup := a.signIn(a.Supervisor)
	page := sup.get("/gestion/supervision/donnees-personnelles?email=" + url.QueryEscape("Anne.Martel@Exemple.fr"))
	mustStatus(t, page, http.StatusOK)
	assertAccessible(t, page.Doc)
	for _, want := range []string{sent.Reference, draft.Reference, cv.Reference, "Horaires de la piscine", "Peut être effacée", "En cours d'instruction",
		"Le marché du dimanche est très agréable."} {
		mustContain(t, page, want)
	}
	for _, not := range theirs {
		if strings.Contains(page.Body, not) {
			t.Errorf("the page shows %q, another citizen's", not)
		}
	}

	r := sup.post("/gestion/supervision/donnees-personnelles/export", url.Values{"email": {anne}})
	mustStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/zip" || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export sent as %q, %q", ct, r.Header.Get("Content-Disposition"))
	}
	entries := unzip(t, []byte(r.Body))
	pdf, err := receipttest.Text(entries[retention.ExportPDF])
	fixture.Must(t, err)
	var doc map[string]any
	fixture.Must(t, json.Unmarshal(entries[retention.ExportJSON], &doc))
	js := string(entries[retention.ExportJSON])
	for _, want := range mine {
		// JSON escapes nothing here but the apostrophe's neighbours: compare decoded text.
		if !strings.Contains(js, want) && !strings.Contains(js, strings.ReplaceAll(want, "'", `\u0027`)) {
			t.Errorf("the JSON file lacks %q", want)
		}
		if !strings.Contains(strings.Join(strings.Fields(pdf), " "), want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	var files int
	for name, b := range entries {
		for _, not := range theirs {
			if strings.Contains(string(b), not) {
				t.Errorf("%s holds %q, another citizen's", name, not)
			}
		}
		if strings.HasPrefix(name, retention.ExportDir) {
			files++
			if !bytes.Equal(b, photo) || !strings.HasSuffix(name, "trottoir.pdf") {
				t.Errorf("file %s: %d bytes", name, len(b))
			}
		}
	}
	if files != 1 || len(doc["demandes"].([]any)) != 2 || len(doc["conversations"].([]any)) != 1 || len(doc["avis"].([]any)) != 1 {
		t.Errorf("export: %d files, %d demands, %d conversations, %d experiences", files, len(doc["demandes"].([]any)), len(doc["conversations"].([]any)), len(doc["avis"].([]any)))
	}

	// Another commune's supervisor finds nothing of Anne's, and exports nothing.
	away := fixture.NewWorld(t, a.DB)
	c := a.signIn(away.Supervisor)
	p := c.get("/gestion/supervision/donnees-personnelles?email=" + url.QueryEscape(anne))
	mustStatus(t, p, http.StatusOK)
	mustContain(t, p, "Aucune demande.")
	mustContain(t, p, "Aucune conversation.")
	r = c.post("/gestion/supervision/donnees-personnelles/export", url.Values{"email": {anne}})
	for name, b := range unzip(t, []byte(r.Body)) {
		for _, not := range mine[:3] {
			if strings.Contains(string(b), not) {
				t.Errorf("another commune's export %s holds %q", name, not)
			}
		}
	}
	// An address that is not one is refused in French, kept as typed.
	bad := sup.get("/gestion/supervision/donnees-personnelles?email=anne.martel")
	mustStatus(t, bad, http.StatusUnprocessableEntity)
	if msg, _ := fieldError(bad, "email"); !strings.Contains(msg, "adresse e-mail valide") {
		t.Errorf("error %q", msg)
	}
	if v, _ := bad.Doc.Find("#email").Attr("value"); v != "anne.martel" {
		t.Errorf("kept %q", v)
	}
}

// TestErasureKeepsWhatTheLawKeeps: on a citizen's request, a supervisor
// erases their draft and resolved conversation; a demand in progress, a
// decided one within its retention and an open conversation are kept and
// named with why. The confirmation and the reason are required.
func TestErasureKeepsWhatTheLawKeeps(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	const email = "claire.fontaine@exemple.fr"
	draft := a.citizenDemand(t, email, "Claire Fontaine", "Un brouillon", fixture.AtDraft)
	inProgress := a.citizenDemand(t, email, "Claire Fontaine", "En cours", fixture.AtSubmitted)
	decided := a.citizenDemand(t, email, "Claire Fontaine", "Décidée", fixture.AtAccepted)
	resolved := a.citizenConversation(t, email, "Claire Fontaine", "Question réglée", "Merci.")
	resolved, err := a.App.Conversations.SetStatus(ctx, workflow.AgentActor(a.Accueil), resolved.ID, a.reloadConversation(t, resolved).Version, models.ConvResolved)
	fixture.Must(t, err)
	open := a.citizenConversation(t, email, "Claire Fontaine", "Question ouverte", "Et alors ?")
	x := publishedExperience(t, a, email, "Le nouveau square est très bien entretenu.", "Merci pour le square.")

	sup := a.signIn(a.Supervisor)
	r := sup.post("/gestion/supervision/donnees-personnelles/effacer", url.Values{"email": {email}, "motif": {"request"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	if msg, _ := fieldError(r, "confirmation"); !strings.Contains(msg, "Cochez la case") {
		t.Errorf("confirmation error %q", msg)
	}
	if v, ok := r.Doc.Find(`input[name="motif"][value="request"]`).Attr("checked"); !ok {
		t.Errorf("the reason chosen is not kept (%q)", v)
	}
	mustStatus(t, sup.post("/gestion/supervision/donnees-personnelles/effacer", url.Values{"email": {email}, "confirmation": {"oui"}}), http.StatusUnprocessableEntity)
	if a.anonymised(t, draft) {
		t.Fatal("erased without confirmation")
	}

	done := sup.follow(sup.post("/gestion/supervision/donnees-personnelles/effacer", url.Values{"email": {email}, "motif": {"request"}, "confirmation": {"oui"}}))
	mustContain(t, done, "Effacé : 3 élément(s).")
	mustContain(t, done, "Conservé : 3 élément(s)")
	if !a.anonymised(t, draft) || a.reasonOf(t, draft) != retention.ReasonRequest {
		t.Errorf("draft: anonymised %v, reason %q", a.anonymised(t, draft), a.reasonOf(t, draft))
	}
	if a.reloadConversation(t, resolved).AnonymisedAt == nil || a.reloadConversation(t, open).AnonymisedAt != nil {
		t.Error("the conversations were not erased as they should")
	}
	for _, d := range []*models.Demand{inProgress, decided} {
		if a.anonymised(t, d) {
			t.Errorf("%s erased, but the law keeps it", d.Reference)
		}
	}
	for _, want := range []string{inProgress.Reference, "En cours d'instruction", decided.Reference, "Décidée le", open.Reference, "En cours : conservée jusqu'à sa résolution."} {
		mustContain(t, done, want)
	}
	var reason string
	fixture.Must(t, a.DB.NewRaw("SELECT anonymised_reason FROM experiences WHERE id = ? AND body = '' AND author_email = ''", x.ID).Scan(ctx, &reason))
	if reason != retention.ReasonRequest {
		t.Errorf("the experience's erasure reason: %q", reason)
	}
	if strings.Contains(a.client().get("/c/"+a.Commune.Slug+"/avis").Body, "square") {
		t.Error("the erased experience is still public")
	}
	for _, gone := range []string{draft.Reference, resolved.Reference, "nouveau square"} {
		if strings.Contains(done.Body, gone) {
			t.Errorf("%s still listed after its erasure", gone)
		}
	}
	evs, err := models.HistoryOfKinds(ctx, a.DB, a.Commune.ID, draft.ID, retention.KindAnonymised)
	fixture.Must(t, err)
	if len(evs) != 1 || evs[0].ActorName != a.Supervisor.Name || evs[0].ActorID == nil || *evs[0].ActorID != a.Supervisor.ID {
		t.Errorf("the erasure's entry: %+v", evs)
	}
}

// TestASupervisorLimitedToAProcedureSeesOnlyIts: the citizen's demands of
// other procedures are neither listed nor erased by a supervisor whose
// profile is limited, who is told so.
func TestASupervisorLimitedToAProcedureSeesOnlyIts(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	const email = "denis.aubert@exemple.fr"
	d := a.citizenDemand(t, email, "Denis Aubert", "Un brouillon", fixture.AtDraft)
	mine := &models.Procedure{CommuneID: a.Commune.ID, Slug: "etat-civil", Active: true,
		ProcedureVersion: models.ProcedureVersion{Title: "Acte d'état civil", Form: []models.Field{{Name: "nom", Label: "Nom", Type: "text"}}}}
	fixture.Must(t, models.CreateProcedure(ctx, a.DB, mine))
	all := perm.Set{}
	for _, p := range perm.All {
		all = append(all, p.Permission)
	}
	c := a.signIn(a.NewAgent(t, "etat-civil", a.NewProfile(t, "État civil", all, mine.ID)))
	page := c.get("/gestion/supervision/donnees-personnelles?email=" + url.QueryEscape(email))
	mustContain(t, page, "Votre profil est limité à certaines démarches")
	if strings.Contains(page.Body, d.Reference) {
		t.Error("a demand out of the profile is listed")
	}
	c.post("/gestion/supervision/donnees-personnelles/effacer", url.Values{"email": {email}, "motif": {"decision"}, "confirmation": {"oui"}})
	if a.anonymised(t, d) {
		t.Error("a demand out of the profile was erased")
	}
}
