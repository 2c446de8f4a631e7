package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/fixture"
	"guichet/forms"
	"guichet/mail/mailtest"
	"guichet/models"
)

// demoProcedures imports the demo's procedures into the app's commune, as
// `guichet procedure import` would, and returns them by slug.
func (a *app) demoProcedures() map[string]*models.Procedure {
	a.t.Helper()
	src, err := os.ReadFile("../demo/procedures.yaml")
	fixture.Must(a.t, err)
	defs, err := forms.Parse(src)
	fixture.Must(a.t, err)
	out := map[string]*models.Procedure{}
	for _, d := range defs {
		p := d.Procedure(a.Commune.ID)
		fixture.Must(a.t, models.ImportProcedure(context.Background(), a.DB, p, true))
		out[p.Slug] = p
	}
	return out
}

// upload is a file a test sends.
type upload struct {
	Field, Name string
	Content     []byte
}

// postMultipart submits a form as a browser does when it holds file inputs:
// the values, then the files. htmx adds the header htmx sends.
func (c *client) postMultipart(path string, values url.Values, files []upload, htmx bool) *response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range values {
		for _, v := range vs {
			fixture.Must(c.t, mw.WriteField(k, v))
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile("fichier:"+f.Field, f.Name)
		fixture.Must(c.t, err)
		_, err = w.Write(f.Content)
		fixture.Must(c.t, err)
	}
	fixture.Must(c.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, c.abs(path), &body)
	fixture.Must(c.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.app.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	return c.do(req)
}

// formValues is what a browser would send for the form: every named control
// but files and buttons, checkboxes only when checked.
func formValues(form *goquery.Selection) url.Values {
	v := url.Values{}
	form.Find("input[name], textarea[name], select[name]").Each(func(_ int, s *goquery.Selection) {
		name := s.AttrOr("name", "")
		switch goquery.NodeName(s) {
		case "textarea":
			v.Add(name, s.Text())
		case "select":
			v.Add(name, s.Find("option[selected]").AttrOr("value", ""))
		default:
			switch s.AttrOr("type", "text") {
			case "file", "submit", "button":
			case "checkbox", "radio":
				if _, ok := s.Attr("checked"); ok {
					v.Add(name, s.AttrOr("value", "on"))
				}
			default:
				v.Add(name, s.AttrOr("value", ""))
			}
		}
	})
	return v
}

// demandForm is the demand's form on a page, and the values it holds.
func demandForm(t testing.TB, r *response) (*goquery.Selection, url.Values) {
	t.Helper()
	f := r.Doc.Find("form.demand-form")
	if f.Length() != 1 {
		t.Fatalf("no demand form on the page (%d): %s", r.StatusCode, text(r))
	}
	return f, formValues(f)
}

// pathOf is a URL's path (the follow link of a mail, a redirect…).
func pathOf(t testing.TB, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	fixture.Must(t, err)
	return u.Path
}

var followLinkRe = regexp.MustCompile(`https?://\S+/suivi/\S+`)

// followLinkIn is the follow link a mail carries.
func followLinkIn(t testing.TB, m mailtest.Received) string {
	t.Helper()
	l := followLinkRe.FindString(m.Text)
	if l == "" {
		t.Fatalf("no follow link in mail %q:\n%s", m.Subject, m.Text)
	}
	return l
}

// mailTo is the last message received for an address.
func mailTo(t testing.TB, msgs []mailtest.Received, to string) mailtest.Received {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, rcpt := range msgs[i].To {
			if rcpt == to {
				return msgs[i]
			}
		}
	}
	t.Fatalf("no mail to %s among %d", to, len(msgs))
	return mailtest.Received{}
}

// startDraft opens a procedure's page and starts a draft as a citizen would;
// it returns the draft's page path (the follow link's path).
func startDraft(t testing.TB, c *client, slug, procedure, email string) string {
	t.Helper()
	r := c.post("/c/"+slug+"/demarches/"+procedure, url.Values{"email": {email}, "nom": {"Claude Dupont"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("start draft: %d %s", r.StatusCode, text(r))
	}
	return r.Header.Get("Location")
}

// Document headers the type sniffer knows; size pads them with zeros.
func pdfFile(size int) []byte {
	b := make([]byte, max(size, 64))
	copy(b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
	return b
}

func pngFile() []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"), make([]byte, 200)...)
}

// exeFile is a Windows executable's header: "MZ", and "PE\0\0" where the
// offset at 0x3c points.
func exeFile() []byte {
	b := make([]byte, 512)
	copy(b, "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")
	b[0x3c] = 0x80
	copy(b[0x80:], "PE\x00\x00")
	return b
}

// download fetches a file and returns its body and headers.
func (c *client) download(path string) (*http.Response, []byte) {
	c.t.Helper()
	res, err := c.hc.Get(c.abs(path))
	fixture.Must(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	fixture.Must(c.t, err)
	return res, b
}

// fieldError is the message shown next to a control, and whether the
// control is marked invalid.
func fieldError(r *response, id string) (string, bool) {
	msg := strings.Join(strings.Fields(r.Doc.Find("#"+id+"-erreur").Text()), " ")
	return msg, r.Doc.Find("#"+id).AttrOr("aria-invalid", "") == "true"
}

// onlyDemand is the one demand of the app's commune.
func (a *app) onlyDemand(t testing.TB) *models.Demand {
	t.Helper()
	var ds []models.Demand
	fixture.Must(t, a.DB.NewSelect().Model(&ds).Where("commune_id = ?", a.Commune.ID).Scan(context.Background()))
	if len(ds) != 1 {
		t.Fatalf("%d demands, want 1", len(ds))
	}
	return &ds[0]
}

// reload reads a demand again.
func (a *app) reload(t testing.TB, d *models.Demand) *models.Demand {
	t.Helper()
	d, err := models.DemandByID(context.Background(), a.DB, d.CommuneID, d.ID)
	fixture.Must(t, err)
	return d
}

var paris, _ = time.LoadLocation("Europe/Paris")

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func fmtAny(v any) string { return fmt.Sprint(v) }

// motifs is a commune's tree of motifs.
func (a *app) motifs(communeID int64) models.MotifTree {
	a.t.Helper()
	t, err := models.Motifs(context.Background(), a.DB, communeID)
	fixture.Must(a.t, err)
	return t
}
