package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// readyDraft is a draft of the demo's report procedure, complete but for
// the submission, and the values its form holds.
func readyDraft(t *testing.T, a *app) (*client, string, url.Values) {
	t.Helper()
	a.demoProcedures()
	c := a.client()
	path := startDraft(t, c, a.Commune.Slug, "signalement-dysfonctionnement", "claude@exemple.fr")
	c.postMultipart(path+"/pieces?champ=photo", nil, []upload{{"photo", "lampadaire.png", pngFile()}}, true)
	_, values := demandForm(t, c.get(path))
	values.Set("categorie", "Éclairage public")
	values.Set("adresse", "Cours Sauvaire")
	values.Set("description", "Lampadaire éteint depuis lundi.")
	return c, path, values
}

// Two clicks on "Déposer" at the same moment: one submission, one
// acknowledgement, and both answers lead to the confirmation.
func TestConcurrentDoubleSubmission(t *testing.T) {
	a := newApp(t)
	c, path, values := readyDraft(t, a)
	var wg sync.WaitGroup
	answers := make([]*response, 2)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = c.postMultipart(path+"/deposer", values, nil, false)
		}()
	}
	wg.Wait()
	for _, r := range answers {
		if r.StatusCode != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), "/confirmation") {
			t.Fatalf("answer: %d %s", r.StatusCode, text(r))
		}
	}
	d := a.onlyDemand(t)
	hist, err := models.History(context.Background(), a.DB, d.CommuneID, d.ID, false)
	fixture.Must(t, err)
	if d.State != workflow.Submitted || len(hist) != 1 {
		t.Fatalf("state %s, %d events", d.State, len(hist))
	}
	acks := 0
	for _, m := range a.sendMail() {
		if strings.Contains(m.Subject, "bien reçue") {
			acks++
		}
	}
	if acks != 1 {
		t.Fatalf("%d acknowledgements", acks)
	}
	if r := c.get(path + "/confirmation"); !strings.Contains(text(r), d.Reference) {
		t.Fatalf("confirmation: %s", text(r))
	}
}

// Files come back with the type found at upload and as downloads; only
// images and PDFs may be shown inline, sandboxed.
func TestFilesAreServedSafely(t *testing.T) {
	a := newApp(t)
	c, path, _ := readyDraft(t, a)
	d := a.onlyDemand(t)
	atts := attachments(t, a, d)
	if len(atts) != 1 || atts[0].ContentType != "image/png" {
		t.Fatalf("attachments %+v", atts)
	}
	url := path + "/pieces/" + itoa(atts[0].ID)
	res, body := c.download(url)
	if res.Header.Get("Content-Type") != "image/png" || res.Header.Get("Content-Disposition") != `attachment; filename=lampadaire.png` ||
		res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "sandbox") || len(body) != len(pngFile()) {
		t.Fatalf("download headers: %v", res.Header)
	}
	res, _ = c.download(url + "?apercu=1")
	if res.Header.Get("Content-Disposition") != `inline; filename=lampadaire.png` {
		t.Fatalf("preview: %v", res.Header.Get("Content-Disposition"))
	}
	// A name with accents and quotes travels encoded, never raw in the header.
	c.postMultipart(path+"/pieces?champ=photo", nil, []upload{{"photo", `rue de l'"Église".pdf`, pdfFile(100)}}, true)
	atts = attachments(t, a, d)
	res, _ = c.download(path + "/pieces/" + itoa(atts[1].ID))
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename*=utf-8''rue%20de%20l%27%C3%89glise.pdf` {
		t.Fatalf("encoded name: %s", cd)
	}
	// Another demand's file id gives nothing.
	other := a.DemandAt(t, "submitted")
	fixture.Must(t, models.AddAttachment(context.Background(), a.DB, &models.Attachment{CommuneID: a.Commune.ID, DemandID: other.ID,
		Field: "photo", Filename: "secret.pdf", ContentType: "application/pdf", Size: 1, SHA256: atts[0].SHA256, UploadedBy: "citizen"},
		[]string{workflow.Submitted}, models.FileLimits{Size: 1 << 20, Files: 50, FilesPerField: 10}, func(context.Context, bun.IDB) error { return nil })) // the content is stored already
	theirs := attachments(t, a, other)[0]
	if res, _ := c.download(path + "/pieces/" + itoa(theirs.ID)); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another demand's file: %d", res.StatusCode)
	}
}

// Without JavaScript, "Joindre" and "Retirer" post the whole form: a draft
// is saved with it; a correction in progress is shown again as typed.
func TestNoJavaScriptFileActionsKeepTheForm(t *testing.T) {
	a := newApp(t)
	c, path, values := readyDraft(t, a)
	page := c.get(path)
	remove := page.Doc.Find(`#champ-photo-bloc li button`).AttrOr("formaction", "")
	r := c.postMultipart(remove, values, nil, false)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d %s", r.StatusCode, text(r))
	}
	page = c.follow(r)
	assertAccessible(t, page.Doc)
	if !strings.Contains(text(page), "Fichier retiré : « lampadaire.png ». Brouillon enregistré.") || page.Doc.Find("#champ-photo-bloc li").Length() != 0 {
		t.Fatalf("after removal: %s", text(page))
	}
	if d := a.onlyDemand(t); d.Data["description"] != "Lampadaire éteint depuis lundi." {
		t.Fatalf("typed text not saved with the removal: %v", d.Data)
	}

	// Submit, then the accueil asks for a photo.
	_, values = demandForm(t, page)
	if r := c.postMultipart(path+"/deposer", values, nil, false); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", r.StatusCode, text(r))
	}
	d := a.onlyDemand(t)
	a.Apply(t, d, workflow.RequestCorrection, workflow.AgentActor(a.Accueil), workflow.Input{Message: "Ajoutez une photo.", Fields: []string{"photo"}})
	_, values = demandForm(t, c.get(path))
	values.Set("description", "Lampadaire éteint depuis lundi, rue et place.")
	r = c.postMultipart(path+"/pieces", values, []upload{{"photo", "photo.png", pngFile()}}, false)
	assertAccessible(t, r.Doc)
	if r.StatusCode != http.StatusOK || !strings.Contains(text(r), "Fichier joint : « photo.png »") ||
		r.Doc.Find("#champ-description").Text() != "Lampadaire éteint depuis lundi, rue et place." {
		t.Fatalf("upload during correction: %d %s", r.StatusCode, text(r))
	}
	if d = a.reload(t, d); d.Data["description"] != "Lampadaire éteint depuis lundi." {
		t.Fatal("a correction in progress changed the submitted data before resubmission")
	}
	// The correction's page offers to resubmit, and the photo field is flagged.
	if r.Doc.Find(`button[formaction$="/renvoyer"]`).Length() == 0 || !strings.Contains(r.Doc.Find(`label[for="champ-photo"]`).Text(), "à corriger") {
		t.Fatalf("correction form: %s", text(r))
	}
}
