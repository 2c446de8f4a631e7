package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/files"
	"guichet/fixture"
	"guichet/links"
	"guichet/models"
	"guichet/workflow"
)

// attachFile stores content as a file of d added by uploadedBy, as an
// upload would have.
func attachFile(t *testing.T, a *app, d *models.Demand, uploadedBy, field, name string, content []byte) *models.Attachment {
	t.Helper()
	up, err := (&files.Store{Dir: filepath.Join(a.Config.DataDir, "uploads")}).Receive(bytes.NewReader(content), int64(len(content)))
	fixture.Must(t, err)
	fixture.Must(t, up.Keep(context.Background(), nil))
	att := &models.Attachment{CommuneID: d.CommuneID, DemandID: d.ID, Field: field, Filename: name,
		ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256, UploadedBy: uploadedBy}
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

	// Once the service has decided, the link neither reads the demand's files…
	if r := c.act(link, "acceptation", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", r.StatusCode, text(r))
	}
	if res, body := c.download(link + "/pieces/" + itoa(pdf.ID)); res.StatusCode != http.StatusForbidden || bytes.Contains(body, []byte("%PDF")) {
		t.Errorf("after the decision: %d", res.StatusCode)
	}
	// nor adds any.
	if r := c.postFile(link+"/piece", nil, "piece-fichier", "tard.pdf", pdfFile(100)); r.StatusCode != http.StatusForbidden {
		t.Errorf("upload after the decision: %d", r.StatusCode)
	}
	if n, _ := a.DB.NewSelect().Model((*models.Attachment)(nil)).Where("filename = 'tard.pdf'").Count(context.Background()); n != 0 {
		t.Error("a file was added after the decision")
	}
}

// TestEndedAssignmentLinkShowsOnlyStatus: once a service returned a demand,
// its link, and the one its board gave, only say where the demand stands:
// none of its files, not even those added since, by another service or the
// accueil, comes through them.
func TestEndedAssignmentLinkShowsOnlyStatus(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	d, link := transferred(t, a)
	before := attachFile(t, a, d, workflow.KindCitizen, "justificatif", "plan du trottoir.pdf", pdfFile(2000))
	fixture.Must(t, a.Notifier.MailBoard(ctx, a.DB, a.Commune, a.Voirie))
	c := a.client()
	board := c.get(linkIn(t, mailTo(t, a.sendMail(), a.Voirie.Email), "/service/tableau/"))
	fromBoard, ok := board.Doc.Find(`main table tbody a:contains("` + d.Reference + `")`).Attr("href")
	if !ok {
		t.Fatalf("the demand is not on the board: %s", text(board))
	}
	if res, _ := c.download(fromBoard + "/pieces/" + itoa(before.ID)); res.StatusCode != http.StatusOK {
		t.Fatalf("download while the service holds the demand: %d", res.StatusCode)
	}

	if r := c.act(link, "renvoi", map[string][]string{"message": {"Relève de l'urbanisme."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d %s", r.StatusCode, text(r))
	}
	d = a.reload(t, d)
	a.Apply(t, d, workflow.Transfer, workflow.AgentActor(a.Accueil), workflow.Input{ServiceID: a.Urbanisme.ID})
	theirs := attachFile(t, a, d, workflow.KindService, "", "avis urbanisme.pdf", pdfFile(3000))
	agents := attachFile(t, a, d, workflow.KindAgent, "", "photo.png", pngFile())

	for _, l := range []string{link, fromBoard} {
		page := c.get(l)
		if page.StatusCode != http.StatusOK || !strings.Contains(text(page), "Votre service a renvoyé cette demande à l'accueil") {
			t.Fatalf("page: %d %s", page.StatusCode, text(page))
		}
		if n := page.Doc.Find(`a[href*="/pieces/"]`).Length(); n != 0 || strings.Contains(text(page), "plan du trottoir") {
			t.Errorf("the status page shows files: %s", text(page))
		}
		for _, att := range []*models.Attachment{before, theirs, agents} {
			for _, q := range []string{"", "?apercu=1"} {
				res, body := c.download(l + "/pieces/" + itoa(att.ID) + q)
				if res.StatusCode != http.StatusForbidden || !bytes.Contains(body, []byte("Ce lien ne donne plus accès aux fichiers de la demande")) ||
					bytes.Contains(body, []byte("%PDF")) || bytes.Contains(body, []byte("PNG")) || res.Header.Get("Content-Disposition") != "" {
					t.Errorf("%s%s: %d %s", att.Filename, q, res.StatusCode, res.Header.Get("Content-Disposition"))
				}
			}
		}
	}
}

// TestServiceFileUpload: the service adds a file for the accueil; it is in
// the history as the service's, and the citizen never sees it.
func TestServiceFileUpload(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	d, link := transferred(t, a)
	c := a.client()

	page := c.get(link)
	form := actionValues(page, "/piece")
	if page.Doc.Find(`form[action$="/piece"] input[type=file][name="piece-fichier"]`).Length() != 1 {
		t.Fatalf("no file form on the page: %s", text(page))
	}
	form.Set("piece-person", "Jeanne Martin")
	r := c.postFile(link+"/piece", form, "piece-fichier", "constat.pdf", pdfFile(4000))
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.StatusCode, text(r))
	}
	shown := c.follow(r)
	if !strings.Contains(text(shown), "« constat.pdf » est joint à la demande") {
		t.Errorf("no confirmation: %s", text(shown))
	}
	if got := shown.Doc.Find(`a:contains("constat.pdf")`).Parent().Text(); !strings.Contains(got, "par un service") {
		t.Errorf("file line %q", got)
	}
	if h := shown.Doc.Find(`.timeline li:contains("Fichier joint")`).Text(); !strings.Contains(h, "Service "+a.Voirie.Name+" (Jeanne Martin), par son lien sécurisé") || !strings.Contains(h, "constat.pdf") {
		t.Errorf("history: %q", h)
	}
	var att models.Attachment
	fixture.Must(t, a.DB.NewSelect().Model(&att).Where("demand_id = ? AND filename = 'constat.pdf'", d.ID).Scan(ctx))
	var ev models.Event
	fixture.Must(t, a.DB.NewSelect().Model(&ev).Where("demand_id = ? AND kind = ?", d.ID, workflow.KindFileAdded).Scan(ctx))
	if att.UploadedBy != workflow.KindService || att.Size != 4000 || ev.ActorKind != workflow.KindService ||
		*ev.ActorID != a.Voirie.ID || ev.Channel != workflow.ChannelLink || ev.Visibility != models.Internal {
		t.Errorf("attachment %+v, event %+v", att, ev)
	}
	if st := stateOf(t, a, d); st.State != workflow.Transferred || st.Version != d.Version {
		t.Errorf("the demand changed: %+v", st)
	}

	// Refused files: the French reason next to the input (fieldError reads
	// the no-break space before the unit as a space), the name kept, nothing added.
	a.Config.MaxFileSize = 5000
	for _, tc := range []struct {
		name    string
		content []byte
		says    string
	}{
		{"gros.pdf", pdfFile(6000), "« gros.pdf » est trop volumineux : 5 Ko au plus par fichier."},
		{"rapport.pdf", exeFile(), "« rapport.pdf » n'a pas été joint. Ce fichier n'est pas d'un type accepté : son contenu est celui d'un programme exécutable"},
	} {
		r := c.postFile(link+"/piece", form, "piece-fichier", tc.name, tc.content)
		msg, invalid := fieldError(r, "piece-fichier")
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, tc.says) || !invalid {
			t.Errorf("%s: %d, %q", tc.name, r.StatusCode, msg)
		}
		if v, _ := r.Doc.Find("#piece-person").Attr("value"); v != "Jeanne Martin" {
			t.Errorf("%s: name not kept: %q", tc.name, v)
		}
	}
	long := url.Values{"piece-person": {strings.Repeat("x", 101)}}
	if r := c.postFile(link+"/piece", long, "piece-fichier", "ok.pdf", pdfFile(100)); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("name too long: %d", r.StatusCode)
	} else if msg, _ := fieldError(r, "piece-person"); !strings.Contains(msg, "Raccourcissez votre nom : 100 caractères au plus (vous en avez saisi 101)") {
		t.Errorf("name too long: %q", msg)
	}
	if n, _ := a.DB.NewSelect().Model((*models.Attachment)(nil)).Where("demand_id = ?", d.ID).Count(ctx); n != 1 {
		t.Errorf("%d attachments, want 1", n)
	}

	// The citizen sees neither the file nor its history line, and cannot fetch it.
	follow, err := a.Notifier.FollowURL(a.Commune, d)
	fixture.Must(t, err)
	citizen := a.client()
	fp := citizen.get(follow)
	if fp.StatusCode != http.StatusOK || strings.Contains(fp.Body, "constat.pdf") || strings.Contains(fp.Body, "Jeanne") {
		t.Errorf("citizen page %d shows the internal file: %s", fp.StatusCode, text(fp))
	}
	if res, body := citizen.download(follow + "/pieces/" + itoa(att.ID)); res.StatusCode != http.StatusNotFound || bytes.Contains(body, []byte("%PDF")) {
		t.Errorf("citizen download of an internal file: %d", res.StatusCode)
	}
}

// TestDeactivatedServiceLinkOnlyShows: once the commune deactivates a
// service, its link shows the demand and says why it cannot act; an action
// posted anyway changes nothing.
func TestDeactivatedServiceLinkOnlyShows(t *testing.T) {
	a := newApp(t)
	d, link := transferred(t, a)
	pdf := attachFile(t, a, d, workflow.KindCitizen, "justificatif", "plan.pdf", pdfFile(1000))
	c := a.client()
	accept := actionValues(c.get(link), "/acceptation")
	if accept.Get("version") == "" {
		t.Fatal("no accept form while the service is active")
	}
	_, err := a.DB.NewUpdate().Model((*models.Service)(nil)).Set("active = false").Where("id = ?", a.Voirie.ID).Exec(context.Background())
	fixture.Must(t, err)
	before := stateOf(t, a, d)

	page := c.get(link)
	if page.StatusCode != http.StatusOK || !strings.Contains(text(page), "La mairie a désactivé votre service dans Guichet") {
		t.Fatalf("page: %d %s", page.StatusCode, text(page))
	}
	if n := page.Doc.Find("form").Length(); n != 0 {
		t.Errorf("%d forms on a read-only page", n)
	}
	if res, _ := c.download(link + "/pieces/" + itoa(pdf.ID)); res.StatusCode != http.StatusOK {
		t.Errorf("download: %d", res.StatusCode)
	}
	accept.Set("confirm", "1")
	res := c.post(link+"/acceptation", accept)
	if res.StatusCode != http.StatusForbidden || !strings.Contains(text(res), "La mairie a désactivé votre service") {
		t.Errorf("accept: %d %s", res.StatusCode, text(res))
	}
	if up := c.postFile(link+"/piece", nil, "piece-fichier", "x.pdf", pdfFile(100)); up.StatusCode != http.StatusForbidden {
		t.Errorf("upload: %d", up.StatusCode)
	}
	if after := stateOf(t, a, d); after.State != before.State || after.Version != before.Version || after.Events != before.Events {
		t.Errorf("changed: %+v -> %+v", before, after)
	}

	// Its expired link offers no new one, and none is sent.
	tok, err := a.Links.Sign(links.Service, links.Claims{CommuneID: a.Commune.ID, DemandID: d.ID,
		ServiceID: a.Voirie.ID, AssignmentID: *d.AssignmentID}, -time.Minute)
	fixture.Must(t, err)
	expired := "/c/" + a.Commune.Slug + "/service/" + tok
	if p := c.get(expired); p.StatusCode != http.StatusGone || !strings.Contains(text(p), "La mairie a désactivé votre service") || p.Doc.Find("form").Length() != 0 {
		t.Errorf("expired link: %d %s", p.StatusCode, text(p))
	}
	if r := c.post(expired+"/nouveau-lien", nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("new link asked: %d %s", r.StatusCode, text(r))
	}
	if after := stateOf(t, a, d); after.Mails != before.Mails {
		t.Errorf("%d mails sent", after.Mails-before.Mails)
	}

	// Nor is it reminded of the demand, however long it waits.
	a.Clock.Advance(30 * 24 * time.Hour)
	if ran := a.App.Jobs.RunDue(context.Background())["service reminders sent"]; ran.Err != nil || ran.N != 0 {
		t.Errorf("%d reminders to a deactivated service (%v)", ran.N, ran.Err)
	}
}
