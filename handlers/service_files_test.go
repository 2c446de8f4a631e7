package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"guichet/files"
	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// attachFile stores content as a file of d added by uploadedBy, as an
// upload would have.
func attachFile(t *testing.T, a *app, d *models.Demand, uploadedBy, field, name string, content []byte) *models.Attachment {
	t.Helper()
	info, err := (&files.Store{Dir: filepath.Join(a.Config.DataDir, "uploads")}).Save(bytes.NewReader(content), int64(len(content)))
	fixture.Must(t, err)
	att := &models.Attachment{CommuneID: d.CommuneID, DemandID: d.ID, Field: field, Filename: name,
		ContentType: info.ContentType, Size: info.Size, SHA256: info.SHA256, UploadedBy: uploadedBy}
	_, err = a.DB.NewInsert().Model(att).Exec(context.Background())
	fixture.Must(t, err)
	return att
}

// TestServiceFileDownload: through its link, the service gets every file
// of its demand, and nothing else.
func TestServiceFileDownload(t *testing.T) {
	a := newApp(t)
	d, link := transferred(t, a)
	pdf := attachFile(t, a, d, workflow.KindCitizen, "justificatif", "plan du trottoir.pdf", pdfFile(2000))
	png := attachFile(t, a, d, workflow.KindAgent, "", "photo.png", pngFile())
	other, _ := transferred(t, a)
	foreign := attachFile(t, a, other, workflow.KindCitizen, "justificatif", "autre.pdf", pdfFile(3000))
	c := a.client()

	page := c.get(link)
	if page.StatusCode != http.StatusOK {
		t.Fatalf("page: %d %s", page.StatusCode, text(page))
	}
	for _, att := range []*models.Attachment{pdf, png} {
		href, ok := page.Doc.Find(`a:contains("` + att.Filename + `")`).Attr("href")
		if !ok {
			t.Fatalf("no link to %s on the page: %s", att.Filename, text(page))
		}
		res, body := c.download(href)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != att.ContentType || int64(len(body)) != att.Size {
			t.Errorf("%s: %d %s, %d bytes", att.Filename, res.StatusCode, res.Header.Get("Content-Type"), len(body))
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, att.Filename) {
			t.Errorf("%s: Content-Disposition %q", att.Filename, cd)
		}
		if res.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("%s: Cache-Control %q", att.Filename, res.Header.Get("Cache-Control"))
		}
	}
	preview, ok := page.Doc.Find(`a.file-preview[href$="?apercu=1"]`).First().Attr("href")
	if !ok {
		t.Fatal("no preview link")
	}
	if res, _ := c.download(preview); res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline;") {
		t.Errorf("preview: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}

	// Another demand's file through this link: not found.
	res, body := c.download(link + "/pieces/" + itoa(foreign.ID))
	if res.StatusCode != http.StatusNotFound || bytes.Contains(body, []byte("%PDF")) {
		t.Errorf("file of another demand: %d", res.StatusCode)
	}
	// A tampered token: refused.
	tok := tokenOf(link)
	bad := strings.TrimSuffix(link, tok) + tok[:len(tok)-2] + "xx" + "/pieces/" + itoa(pdf.ID)
	if res, body := c.download(bad); res.StatusCode != http.StatusForbidden || bytes.Contains(body, []byte("%PDF")) {
		t.Errorf("tampered token: %d", res.StatusCode)
	}

	// Once the service has decided, the link still reads the demand's files.
	if r := c.act(link, "acceptation", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", r.StatusCode, text(r))
	}
	if res, _ := c.download(link + "/pieces/" + itoa(pdf.ID)); res.StatusCode != http.StatusOK {
		t.Errorf("after the decision: %d", res.StatusCode)
	}
}
