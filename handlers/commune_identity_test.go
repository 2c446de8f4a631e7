package handlers_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
)

// identityValues is the identity form as the page gives it, with changes.
func identityValues(t *testing.T, r *response, changes url.Values) url.Values {
	t.Helper()
	form := r.Doc.Find(`form[action="/gestion/admin/commune"]`)
	if form.Length() != 1 {
		t.Fatalf("no identity form: %s", text(r))
	}
	v := formValues(form)
	for k, vs := range changes {
		v[k] = vs
	}
	return v
}

func logoPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, x*h/w, color.NRGBA{0x1f, 0x4e, 0x8c, 0xff})
	}
	var b bytes.Buffer
	fixture.Must(t, png.Encode(&b, img))
	return b.Bytes()
}

func TestAdminEditsTheCommuneIdentity(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	page := admin.get("/gestion/admin/commune")
	mustStatus(t, page, http.StatusOK)
	assertAccessible(t, page.Doc)
	if cur := page.Doc.Find(`nav a[aria-current="page"]`); cur.Text() != "Commune" {
		t.Fatalf("current menu item: %q", cur.Text())
	}
	if v := page.Doc.Find("#horaires-lundi").AttrOr("value", ""); v != "09:00-17:00" {
		t.Fatalf("Monday's hours shown as %q", v)
	}

	// Bad input: a message beside each field at fault, everything typed kept.
	bad := url.Values{"nom": {"Saint-Martin-sur-Mer"}, "couleur": {"#777777"}, "horaires-mardi": {"12:00-08:30"},
		"horaires-samedi": {"09:00-12:00"}, "site": {"www.saint-martin.fr"}, "expediteur_adresse": {"guichet@saint-martin.fr"}}
	r := admin.post("/gestion/admin/commune", identityValues(t, page, bad))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	for id, want := range map[string]string{
		"couleur":        "contraste de 4,48:1, quand il faut au moins 4,5:1",
		"horaires-mardi": "Mardi : La plage 12:00–08:30 finit avant de commencer",
		"site":           "commençant par https://",
	} {
		if msg, invalid := fieldError(r, id); !strings.Contains(msg, want) || !invalid {
			t.Errorf("%s: %q (invalid %v), want %q", id, msg, invalid, want)
		}
	}
	for id, want := range map[string]string{"nom": "Saint-Martin-sur-Mer", "couleur": "#777777", "horaires-mardi": "12:00-08:30",
		"horaires-samedi": "09:00-12:00", "site": "www.saint-martin.fr", "expediteur_adresse": "guichet@saint-martin.fr", "horaires-lundi": "09:00-17:00"} {
		if got := r.Doc.Find("#"+id).AttrOr("value", ""); got != want {
			t.Errorf("%s came back as %q, want %q", id, got, want)
		}
	}
	if c, _ := models.CommuneByID(context.Background(), a.DB, a.Commune.ID); c.Name != a.Commune.Name || c.Version != 1 {
		t.Fatalf("a refused save changed the commune: %+v", c)
	}

	good := url.Values{"nom": {"Saint-Martin-sur-Mer"}, "couleur": {"#0b5d3b"}, "horaires-mardi": {"08:30-12:00, 13:30-17:00"},
		"horaires-samedi": {"9h à 12h"}, "horaires-mercredi": {""}, "site": {"https://www.saint-martin.fr"},
		"expediteur_nom": {"Mairie de Saint-Martin"}, "expediteur_adresse": {"guichet@saint-martin.fr"}, "telephone": {"04 42 00 00 00"}}
	r = admin.post("/gestion/admin/commune", identityValues(t, page, good))
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, admin.follow(r), "Fiche de la commune enregistrée")

	// The portal shows it: name, colour, contact card, hours readably.
	portal := a.client().get("/c/" + a.Commune.Slug + "/")
	mustStatus(t, portal, http.StatusOK)
	footer := strings.Join(strings.Fields(portal.Doc.Find("footer").Text()), " ")
	for _, want := range []string{"Contacter Saint-Martin-sur-Mer", "04 42 00 00 00", "https://www.saint-martin.fr",
		"Lundi : 9 h – 17 h", "Mardi : 8 h 30 – 12 h et 13 h 30 – 17 h", "Jeudi et vendredi : 9 h – 17 h", "Samedi : 9 h – 12 h"} {
		if !strings.Contains(footer, want) {
			t.Errorf("footer lacks %q: %s", want, footer)
		}
	}
	if strings.Contains(footer, "Mercredi") {
		t.Errorf("a closed day is shown: %s", footer)
	}
	if style := portal.Doc.Find("body").AttrOr("style", ""); !strings.Contains(style, "--accent: #0b5d3b") {
		t.Errorf("body style %q", style)
	}

	// Its mails come from its address, and carry its hours.
	before := len(a.SMTP.Messages())
	a.DemandAt(t, fixture.AtSubmitted)
	ms := a.sendMail()[before:]
	if len(ms) == 0 {
		t.Fatal("no mail sent")
	}
	for _, m := range ms {
		if m.From != "guichet@saint-martin.fr" || !strings.Contains(m.Header("From"), "Mairie de Saint-Martin") ||
			!strings.Contains(m.Text, "Mardi : 8 h 30 – 12 h et 13 h 30 – 17 h") || !strings.Contains(m.HTML, "background:#0b5d3b") {
			t.Fatalf("mail from %q (%s):\n%s", m.From, m.Header("From"), m.Text)
		}
	}
}

// TestTwoAdminsSaveTheCommuneAtOnce: both opened the page at the same
// version; the first save wins, the second is told and keeps its input.
func TestTwoAdminsSaveTheCommuneAtOnce(t *testing.T) {
	a := newApp(t)
	second := a.NewAgent(t, "admin2", a.Profiles[perm.AdminProfile])
	one, two := a.signIn(a.Admin), a.signIn(second)
	p1, p2 := one.get("/gestion/admin/commune"), two.get("/gestion/admin/commune")

	mustStatus(t, one.post("/gestion/admin/commune", identityValues(t, p1, url.Values{"nom": {"Première"}})), http.StatusSeeOther)
	r := two.post("/gestion/admin/commune", identityValues(t, p2, url.Values{"nom": {"Seconde"}, "telephone": {"05 55 55 55 55"}}))
	mustStatus(t, r, http.StatusConflict)
	assertAccessible(t, r.Doc)
	mustContain(t, r, "modifiée entre-temps par un autre administrateur")
	if r.Doc.Find("#nom").AttrOr("value", "") != "Seconde" || r.Doc.Find("#telephone").AttrOr("value", "") != "05 55 55 55 55" {
		t.Fatalf("the second admin's input is lost: %s", text(r))
	}
	c, err := models.CommuneByID(context.Background(), a.DB, a.Commune.ID)
	fixture.Must(t, err)
	if c.Name != "Première" || c.Version != 2 {
		t.Fatalf("after both saves: %q, version %d", c.Name, c.Version)
	}
	// Saving again from the page the refusal gave is a choice made knowingly.
	mustStatus(t, two.post("/gestion/admin/commune", identityValues(t, r, nil)), http.StatusSeeOther)
	if c, _ := models.CommuneByID(context.Background(), a.DB, a.Commune.ID); c.Name != "Seconde" || c.Version != 3 {
		t.Fatalf("second save after the refusal: %q, version %d", c.Name, c.Version)
	}
}

func TestAdminUploadsTheCommuneLogo(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	mustStatus(t, a.client().get("/c/"+a.Commune.Slug+"/logo.png"), http.StatusNotFound)

	r := admin.postFile("/gestion/admin/commune/logo", nil, "logo", "logo.png", logoPNG(t, 800, 200))
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, admin.follow(r), "Logo enregistré")

	portal := a.client().get("/c/" + a.Commune.Slug + "/")
	src := portal.Doc.Find("header img.brand-logo").AttrOr("src", "")
	if !strings.HasPrefix(src, "/c/"+a.Commune.Slug+"/logo.png?v=") {
		t.Fatalf("header logo %q", src)
	}
	res, body := a.client().download(src)
	img, err := png.Decode(bytes.NewReader(body))
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || err != nil ||
		img.Bounds().Dx() != 400 || img.Bounds().Dy() != 100 {
		t.Fatalf("logo served as %d %s, %v", res.StatusCode, res.Header.Get("Content-Type"), err)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("versioned logo cached as %q", cc)
	}
	res, _ = a.client().download("/c/" + a.Commune.Slug + "/logo.png")
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=3600" || res.Header.Get("ETag") == "" {
		t.Errorf("stable address cached as %q, ETag %q", cc, res.Header.Get("ETag"))
	}
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/c/"+a.Commune.Slug+"/logo.png", nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	if r := a.client().do(req); r.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d", r.StatusCode)
	}

	// The mails' header shows it, at its absolute address.
	before := len(a.SMTP.Messages())
	a.DemandAt(t, fixture.AtSubmitted)
	ms := a.sendMail()[before:]
	if len(ms) == 0 || !strings.Contains(ms[0].HTML, `<img src="`+a.URL+src+`"`) {
		t.Fatalf("mail header lacks the logo %s", a.URL+src)
	}

	// A GIF is refused in French, the logo kept.
	var g bytes.Buffer
	fixture.Must(t, gif.Encode(&g, image.NewPaletted(image.Rect(0, 0, 10, 10), []color.Color{color.Black}), nil))
	r = admin.postFile("/gestion/admin/commune/logo", nil, "logo", "logo.gif", g.Bytes())
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	if msg, invalid := fieldError(r, "logo"); !strings.Contains(msg, "n'est pas une image PNG ou JPEG") || !invalid {
		t.Fatalf("GIF refusal: %q", msg)
	}
	r = admin.postFile("/gestion/admin/commune/logo", nil, "logo", "logo.png", make([]byte, 2_100_000))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if msg, _ := fieldError(r, "logo"); !strings.Contains(msg, "trop volumineux pour un logo : 2 Mo au plus") {
		t.Fatalf("large file refusal: %q", msg)
	}
	mustStatus(t, a.client().get(src), http.StatusOK)

	r = admin.post("/gestion/admin/commune/logo/supprimer", nil)
	mustStatus(t, r, http.StatusSeeOther)
	if admin.follow(r).Doc.Find("header img").Length() != 0 {
		t.Fatal("the logo is still shown")
	}
	mustStatus(t, a.client().get("/c/"+a.Commune.Slug+"/logo.png"), http.StatusNotFound)
}
