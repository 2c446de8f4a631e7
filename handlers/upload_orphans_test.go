package handlers_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// storedFiles lists what the upload directory holds, temporary files included.
func (a *app) storedFiles() []string {
	a.t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(a.Config.DataDir, "uploads"), func(p string, d os.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err == nil && !d.IsDir() {
			out = append(out, filepath.Base(p))
		}
		return err
	})
	fixture.Must(a.t, err)
	slices.Sort(out)
	return out
}

// sameFiles fails the test unless the upload directory holds what it held.
func (a *app) sameFiles(before []string, what string) {
	a.t.Helper()
	if after := a.storedFiles(); !slices.Equal(after, before) {
		a.t.Errorf("%s: the upload directory holds %v, it held %v", what, after, before)
	}
}

// A file refused once received (the demand's state, the form around it)
// leaves nothing on disk; the same content attached elsewhere stays.
func TestRefusedUploadsLeaveNoFile(t *testing.T) {
	a := newApp(t)
	shared := pdfFile(3000)
	elsewhere, _ := transferred(t, a)
	attachFile(t, a, elsewhere, workflow.KindCitizen, "justificatif", "plan.pdf", shared)
	before := a.storedFiles()
	if len(before) != 1 {
		t.Fatalf("stored: %v", before)
	}

	// A supervisor may see a draft but not add a file to it.
	draft := a.DemandAt(t, fixture.AtDraft)
	sup := a.signIn(a.Supervisor)
	for _, content := range [][]byte{pdfFile(2000), shared} {
		r := sup.postFile("/gestion/demandes/"+itoa(draft.ID)+"/pieces", nil, "fichier", "courrier.pdf", content)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		a.sameFiles(before, "agent refused")
	}

	// A service's name, sent after the file, is refused: so is the file.
	d, link := transferred(t, a)
	for _, content := range [][]byte{pdfFile(2500), shared} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		w, err := mw.CreateFormFile("piece-fichier", "constat.pdf")
		fixture.Must(t, err)
		_, err = w.Write(content)
		fixture.Must(t, err)
		fixture.Must(t, mw.WriteField("piece-person", strings.Repeat("x", 101)))
		fixture.Must(t, mw.Close())
		req, err := http.NewRequest(http.MethodPost, link+"/piece", &body)
		fixture.Must(t, err)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		r := a.client().do(req)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "Raccourcissez votre nom : 100 caractères au plus (vous en avez saisi 101)")
		a.sameFiles(before, "service refused")
	}
	if atts := attachments(t, a, d); len(atts) != 0 {
		t.Fatalf("attached anyway: %v", atts)
	}
}

// A citizen's file that arrives after the demand was submitted meanwhile is
// refused by the database: it leaves nothing on disk.
func TestUploadRefusedByTheDatabaseLeavesNoFile(t *testing.T) {
	a := newApp(t)
	// Larger than what the type check reads first, so that the file is seen
	// arriving before its end is sent.
	shared := pdfFile(150_000)
	elsewhere, _ := transferred(t, a)
	attachFile(t, a, elsewhere, workflow.KindCitizen, "justificatif", "plan.pdf", shared)
	a.demoProcedures()
	c := a.client()
	path := startDraft(t, c, a.Commune.Slug, "signalement-dysfonctionnement", "claude@exemple.fr")
	d := new(models.Demand)
	fixture.Must(t, a.DB.NewSelect().Model(d).Where("state = ? AND citizen_email = ?", workflow.Draft, "claude@exemple.fr").Scan(context.Background()))
	before := a.storedFiles()
	receiving := make(chan struct{}, 1)
	a.App.Files.Receiving = func() { receiving <- struct{}{} }

	for i, content := range [][]byte{pdfFile(200_000), shared} {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		req, err := http.NewRequest(http.MethodPost, a.URL+path+"/pieces?champ=photo", pr)
		fixture.Must(t, err)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", a.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		type answer struct {
			res *http.Response
			err error
		}
		answered := make(chan answer, 1)
		go func() {
			res, err := c.hc.Do(req)
			answered <- answer{res, err}
		}()
		w, err := mw.CreateFormFile("fichier:photo", "photo.pdf")
		fixture.Must(t, err)
		_, err = w.Write(content[:len(content)/2])
		fixture.Must(t, err)
		// The file is being received: the demand was checked editable.
		// It is submitted now, before the file's end arrives.
		<-receiving
		if n := len(a.storedFiles()); n != len(before)+1 {
			t.Fatalf("%d files on disk while receiving, want the upload's beside the %d", n, len(before))
		}
		a.exec("UPDATE demands SET state = ? WHERE id = ?", workflow.Submitted, d.ID)
		_, err = w.Write(content[len(content)/2:])
		fixture.Must(t, err)
		fixture.Must(t, mw.Close())
		fixture.Must(t, pw.Close())
		got := <-answered
		fixture.Must(t, got.err)
		b, _ := io.ReadAll(got.res.Body)
		got.res.Body.Close()
		if !strings.Contains(string(b), "la demande a été déposée entre-temps") {
			t.Fatalf("upload %d: %d %s", i, got.res.StatusCode, b)
		}
		a.sameFiles(before, "citizen refused")
		a.exec("UPDATE demands SET state = ? WHERE id = ?", workflow.Draft, d.ID)
	}
}

// A file taken off a draft leaves the disk, unless another row holds the
// same content.
func TestRemovedFileLeavesTheDiskWhenUnused(t *testing.T) {
	a := newApp(t)
	shared := pdfFile(3000)
	elsewhere, _ := transferred(t, a)
	attachFile(t, a, elsewhere, workflow.KindCitizen, "justificatif", "plan.pdf", shared)
	before := a.storedFiles()
	a.demoProcedures()
	c := a.client()
	path := startDraft(t, c, a.Commune.Slug, "signalement-dysfonctionnement", "claude@exemple.fr")
	c.postMultipart(path+"/pieces?champ=photo", nil, []upload{{"photo", "plan.pdf", shared}, {"photo", "photo.png", pngFile()}}, true)
	if n := len(a.storedFiles()); n != 2 {
		t.Fatalf("%d files stored, want the shared one and the photo", n)
	}
	for range 2 {
		remove := c.get(path).Doc.Find(`#champ-photo-bloc li button`).First().AttrOr("formaction", "")
		if r := c.postMultipart(remove, nil, nil, true); r.StatusCode != http.StatusOK {
			t.Fatalf("remove: %d %s", r.StatusCode, text(r))
		}
	}
	a.sameFiles(before, "both removed")
}
