package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"guichet/fixture"
)

// postParts sends, as a browser would without JavaScript, the draft's form
// values followed by files file parts (each its own content) for field,
// then extra text parts.
func (c *client) postParts(path string, values url.Values, field string, files, extra int) *response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range values {
		for _, v := range vs {
			fixture.Must(c.t, mw.WriteField(k, v))
		}
	}
	for i := range files {
		w, err := mw.CreateFormFile("fichier:"+field, "page "+strconv.Itoa(i)+".pdf")
		fixture.Must(c.t, err)
		_, err = w.Write(pdfFile(100 + i)) // each file its own content
		fixture.Must(c.t, err)
	}
	for range extra {
		fixture.Must(c.t, mw.WriteField("x", "x"))
	}
	fixture.Must(c.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, c.abs(path), &body)
	fixture.Must(c.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.app.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// A request carrying more files than a demand may hold, or more parts
// than any form has, is read no further than that: a French refusal next to
// the file input, the draft's answers shown, no more files kept than a
// question may hold, nothing stored of the rest.
func TestTooManyPartsInOneRequest(t *testing.T) {
	a := newApp(t)
	c, path := newDraft(t, a)
	_, values := demandForm(t, c.get(path))
	values.Set("societe", "Café du Cours")
	// Saved first: a request cut short saves nothing, the page shows what is saved.
	mustStatus(t, c.postMultipart(path+"/enregistrer", values, nil, false), http.StatusSeeOther)

	for _, tc := range []struct {
		name         string
		files, extra int
	}{
		{"more files than a demand holds", a.Config.MaxFilesPerDemand + 1, 0},
		{"more parts than a form has", 0, 1001},
	} {
		r := c.postParts(path+"/pieces", values, "plan", tc.files, tc.extra)
		msg, invalid := fieldError(r, "champ-plan")
		if r.StatusCode != http.StatusUnprocessableEntity || !invalid ||
			!strings.Contains(msg, "L'envoi comptait trop d'éléments et a été interrompu : une demande compte 50 fichiers au plus, chaque question 10 fichiers.") {
			t.Fatalf("%s: %d %q", tc.name, r.StatusCode, msg)
		}
		if r.Doc.Find("#champ-societe").AttrOr("value", "") != "Café du Cours" {
			t.Errorf("%s: the answers are not shown", tc.name)
		}
	}
	atts := attachments(t, a, a.onlyDemand(t))
	if len(atts) != a.Config.MaxFilesPerField {
		t.Fatalf("%d files kept, want %d", len(atts), a.Config.MaxFilesPerField)
	}
	if stored := a.storedFiles(); len(stored) != len(atts) {
		t.Errorf("%d files on disk for %d kept: %v", len(stored), len(atts), stored)
	}
}

// The accueil's and the services' files count in the demand's limit: past
// it, the file is refused in French, what was typed kept.
func TestInternalFilesCountInTheDemandsLimit(t *testing.T) {
	a := newApp(t)
	a.Config.MaxFilesPerDemand = 1
	d, link := transferred(t, a)
	attachFile(t, a, d, "citizen", "justificatif", "plan.pdf", pdfFile(1000))
	before := a.storedFiles()
	c := a.client()
	r := c.postFile(link+"/piece", url.Values{"piece-person": {"Jeanne Martin"}}, "piece-fichier", "constat.pdf", pdfFile(2000))
	msg, _ := fieldError(r, "piece-fichier")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "« constat.pdf » n'a pas été joint : une demande compte 1 fichier au plus.") {
		t.Errorf("service: %d %q", r.StatusCode, msg)
	}
	if v, _ := r.Doc.Find("#piece-person").Attr("value"); v != "Jeanne Martin" {
		t.Errorf("name not kept: %q", v)
	}
	agent := a.signIn(a.Accueil)
	r = agent.postFile("/gestion/demandes/"+itoa(d.ID)+"/pieces", nil, "fichier", "courrier.pdf", pdfFile(3000))
	if msg, _ := fieldError(r, "piece-fichier"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "« courrier.pdf » n'a pas été joint : une demande compte 1 fichier au plus.") {
		t.Errorf("agent: %d %q", r.StatusCode, msg)
	}
	if n := len(attachments(t, a, d)); n != 1 {
		t.Errorf("%d files, want 1", n)
	}
	a.sameFiles(before, "refused past the count")
}
