package handlers_test

import (
	"context"
	"mime"
	"net/http"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
)

// A file is kept under a name whose extension is its content's type, with
// no character that would make it read otherwise; a web page holding
// "%PDF-" is not a PDF.
func TestUploadedNamesAgreeWithContent(t *testing.T) {
	a := newApp(t)
	c, path := newDraft(t, a)
	sent := []upload{
		{"plan", "facture.html", pdfFile(1000)},
		{"plan", "rapport\u202efdp.exe", pdfFile(1100)}, // reads "rapportexe.pdf"
		{"plan", "photo\t\u2067\u200f.pdf", pngFile()},
	}
	want := []string{"facture.pdf", "rapportfdp.pdf", "photo.png"}
	r := c.postMultipart(path+"/pieces?champ=plan", nil, sent, true)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", r.StatusCode, text(r))
	}
	atts := attachments(t, a, a.onlyDemand(t))
	if len(atts) != len(want) {
		t.Fatalf("%d files kept, want %d", len(atts), len(want))
	}
	page := c.get(path)
	for i, att := range atts {
		if att.Filename != want[i] {
			t.Errorf("kept as %q, want %q", att.Filename, want[i])
		}
		link := page.Doc.Find(`a:contains("` + want[i] + `")`)
		href, ok := link.Attr("href")
		if !ok {
			t.Fatalf("no link to %s on the page: %s", want[i], text(page))
		}
		res, _ := c.download(href)
		_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
		fixture.Must(t, err)
		if res.StatusCode != http.StatusOK || params["filename"] != want[i] || res.Header.Get("Content-Type") != att.ContentType ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: %d %v", want[i], res.StatusCode, res.Header)
		}
	}
	for _, name := range []string{"facture.html", "\u202e"} {
		if strings.Contains(page.Body, name) {
			t.Errorf("the page shows %q", name)
		}
	}

	web := []byte("<!DOCTYPE html><html><!-- %PDF-1.7 --><script>alert(document.cookie)</script></html>")
	r = c.postMultipart(path+"/pieces?champ=plan", nil, []upload{{"plan", "facture.pdf", web}}, true)
	if msg := strings.Join(strings.Fields(r.Doc.Find("#champ-plan-erreur").Text()), " "); !strings.Contains(msg, "« facture.pdf » n'a pas été joint. Ce fichier n'est pas d'un type accepté : c'est une page web") {
		t.Errorf("web page holding %%PDF-: %d %q", r.StatusCode, msg)
	}

	// The service's files too.
	d, link := transferred(t, a)
	if r := c.postFile(link+"/piece", nil, "piece-fichier", "constat\u202efdp.exe", pdfFile(900)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("service upload: %d %s", r.StatusCode, text(r))
	}
	var att models.Attachment
	fixture.Must(t, a.DB.NewSelect().Model(&att).Where("demand_id = ?", d.ID).Scan(context.Background()))
	if att.Filename != "constatfdp.pdf" {
		t.Errorf("service file kept as %q", att.Filename)
	}
}
