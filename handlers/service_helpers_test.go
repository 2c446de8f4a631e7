package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/mail/mailtest"
	"guichet/models"
)

var linkRe = regexp.MustCompile(`https?://[^\s<>"]+`)

// linkIn returns the first link of a mail's text whose path contains part.
func linkIn(t *testing.T, m mailtest.Received, part string) string {
	t.Helper()
	for _, l := range linkRe.FindAllString(m.Text, -1) {
		if strings.Contains(l, part) {
			return l
		}
	}
	t.Fatalf("no %s link in %q", part, m.Text)
	return ""
}

// transferred makes a demand transferred to Voirie, sends the mails over
// SMTP and returns the demand and the link Voirie received.
func transferred(t *testing.T, a *app) (*models.Demand, string) {
	t.Helper()
	d := a.DemandAt(t, fixture.AtTransferred)
	return d, linkIn(t, mailTo(t, a.sendMail(), a.Voirie.Email), "/service/")
}

// state is what must not change when a link is refused.
type state struct {
	State   string
	Version int
	Events  int // history events other than link openings
	Mails   int
}

func stateOf(t *testing.T, a *app, d *models.Demand) state {
	t.Helper()
	ctx := context.Background()
	cur, err := models.DemandByID(ctx, a.DB, d.CommuneID, d.ID)
	fixture.Must(t, err)
	n, err := a.DB.NewSelect().Model((*models.Event)(nil)).Where("demand_id = ? AND kind <> ?", d.ID, models.KindLinkOpened).Count(ctx)
	fixture.Must(t, err)
	m, err := a.DB.NewSelect().Model((*models.OutboxMail)(nil)).Where("demand_id = ?", d.ID).Count(ctx)
	fixture.Must(t, err)
	return state{cur.State, cur.Version, int(n), int(m)}
}

// actionValues is what a browser would send for the form posting to action.
func actionValues(r *response, action string) url.Values {
	return formValues(r.Doc.Find(`form[action$="` + action + `"]`))
}

// act takes an action through a service link as a person would: open the
// page, fill the action's form, send it, confirm. It returns the answer to
// the confirmation (a redirect on success).
func (c *client) act(link, slug string, fill map[string][]string) *response {
	c.t.Helper()
	page := c.get(link)
	if page.StatusCode != http.StatusOK {
		c.t.Fatalf("open %s: %d %s", link, page.StatusCode, text(page))
	}
	form := actionValues(page, "/"+slug)
	if form.Get("version") == "" {
		c.t.Fatalf("no %s form on the page: %s", slug, text(page))
	}
	for k, vs := range fill {
		form[slug+"-"+k] = vs
	}
	confirm := c.post(link+"/"+slug, form)
	if confirm.StatusCode != http.StatusOK || !strings.Contains(text(confirm), "confirmez") {
		return confirm
	}
	v := actionValues(confirm, "/"+slug)
	v.Set("confirm", "1")
	return c.post(link+"/"+slug, v)
}

// postFile sends a form holding one file input, named input, as a
// same-origin browser would: the values first, then the file.
func (c *client) postFile(path string, values url.Values, input, filename string, content []byte) *response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range values {
		for _, v := range vs {
			fixture.Must(c.t, mw.WriteField(k, v))
		}
	}
	w, err := mw.CreateFormFile(input, filename)
	fixture.Must(c.t, err)
	_, err = w.Write(content)
	fixture.Must(c.t, err)
	fixture.Must(c.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, c.abs(path), &body)
	fixture.Must(c.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.app.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}
