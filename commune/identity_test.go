package commune_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	"guichet/apperr"
	"guichet/commune"
	"guichet/fixture"
	"guichet/hours"
	"guichet/models"
	"guichet/testdb"
)

func validIdentity(c *models.Commune) commune.Identity {
	in := commune.IdentityOf(c)
	in.Name, in.Accent, in.Address, in.Phone, in.Email = "Saint-Martin-sur-Mer", "#1F4E8C", "1 place de la Mairie\n12345 Saint-Martin", "01 23 45 67 89", "accueil@saint-martin.fr"
	in.Website, in.MailFromName, in.MailFromAddress = "https://www.saint-martin.fr", "Mairie de Saint-Martin", "guichet@saint-martin.fr"
	in.Hours[time.Monday] = "08:30-12:00, 13:30-17:00"
	in.Hours[time.Saturday] = "9h à 12h"
	return in
}

func TestSaveIdentity(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	c := w.Commune
	fixture.Must(t, commune.SaveIdentity(ctx, db, c, validIdentity(c)))
	got, err := models.CommuneByID(ctx, db, c.ID)
	fixture.Must(t, err)
	if got.Name != "Saint-Martin-sur-Mer" || got.AccentColor != "#1f4e8c" || got.Version != 2 || got.MailFromAddress != "guichet@saint-martin.fr" {
		t.Fatalf("saved as %+v", got)
	}
	if want := []hours.Range{{Start: 510, End: 720}, {Start: 810, End: 1020}}; len(got.OpeningHours.Week[time.Monday]) != 2 || got.OpeningHours.Week[time.Monday][1] != want[1] ||
		len(got.OpeningHours.Week[time.Saturday]) != 1 || got.OpeningHours.Week[time.Sunday] != nil {
		t.Fatalf("hours saved as %+v", got.OpeningHours.Week)
	}
	// The form shows the hours back as the admin writes them.
	if in := commune.IdentityOf(got); in.Hours[time.Saturday] != "09:00-12:00" || in.Version != 2 {
		t.Fatalf("form of the saved identity: %+v", in)
	}
}

func TestSaveIdentityRefusals(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	for _, tc := range []struct {
		change       func(*commune.Identity)
		field, words string
	}{
		{func(in *commune.Identity) { in.Accent = "#777777" }, "couleur", "n'aurait qu'un contraste de 4,48:1, quand il faut au moins 4,5:1"},
		{func(in *commune.Identity) { in.Accent = "#ffff00" }, "couleur", "contraste de 1,07:1"},
		{func(in *commune.Identity) { in.Accent = "bleu" }, "couleur", "en hexadécimal"},
		{func(in *commune.Identity) { in.Name = "" }, "nom", "Indiquez le nom de la commune"},
		{func(in *commune.Identity) { in.Phone = "appelez-nous" }, "telephone", "Saisissez un numéro de téléphone"},
		{func(in *commune.Identity) { in.Email = "accueil" }, "email", "Saisissez une adresse e-mail valide"},
		{func(in *commune.Identity) { in.Website = "javascript:alert(1)" }, "site", "commençant par https://"},
		{func(in *commune.Identity) { in.MailFromAddress = "Mairie <g@m.fr>" }, "expediteur_adresse", "Saisissez une adresse e-mail valide"},
		{func(in *commune.Identity) { in.MailFromAddress = "" }, "expediteur_adresse", "Indiquez l'adresse d'expédition qui accompagne ce nom"},
		{func(in *commune.Identity) { in.Hours[time.Tuesday] = "12:00-08:30" }, "horaires-mardi", "Mardi : La plage 12:00–08:30 finit avant de commencer"},
		{func(in *commune.Identity) { in.Hours[time.Sunday] = "08:00-12:00, 11:00-13:00" }, "horaires-dimanche", "se chevauchent"},
	} {
		in := validIdentity(w.Commune)
		tc.change(&in)
		err := commune.SaveIdentity(ctx, db, w.Commune, in)
		if msg := fields(t, err)[tc.field]; !strings.Contains(msg, tc.words) {
			t.Errorf("%s: %q, want %q", tc.field, msg, tc.words)
		}
	}
	got, err := models.CommuneByID(ctx, db, w.Commune.ID)
	fixture.Must(t, err)
	if got.Version != 1 || got.Name != w.Commune.Name {
		t.Fatalf("a refused save changed the commune: %+v", got)
	}
}

// TestTwoAdminsSaveAtOnce: both load the form at version 1; the first
// save wins, the second is told the sheet changed and changes nothing.
func TestTwoAdminsSaveAtOnce(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	first, second := *w.Commune, *w.Commune
	a, b := validIdentity(&first), validIdentity(&second)
	a.Name, b.Name = "Première", "Seconde"
	fixture.Must(t, commune.SaveIdentity(ctx, db, &first, a))
	err := commune.SaveIdentity(ctx, db, &second, b)
	if apperr.CodeOf(err) != apperr.Conflict || !strings.Contains(err.Error(), "modifiée entre-temps") {
		t.Fatalf("second save: %v", err)
	}
	got, err := models.CommuneByID(ctx, db, w.Commune.ID)
	fixture.Must(t, err)
	if got.Name != "Première" || got.Version != 2 {
		t.Fatalf("after both saves: %q at version %d", got.Name, got.Version)
	}
}

func encoded(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, h/2, color.RGBA{0x1f, 0x4e, 0x8c, 0xff})
	}
	var b bytes.Buffer
	switch format {
	case "png":
		fixture.Must(t, png.Encode(&b, img))
	case "jpeg":
		fixture.Must(t, jpeg.Encode(&b, img, nil))
	case "gif":
		fixture.Must(t, gif.Encode(&b, img, nil))
	}
	return b.Bytes()
}

// bomb is a PNG whose header announces a huge image: its few bytes of
// compressed zeros would take gigabytes decoded.
func bomb(t *testing.T) []byte {
	t.Helper()
	b := encoded(t, "png", 1, 1)
	// The IHDR chunk: its type and data at bytes 12-28, its CRC after.
	copy(b[16:24], []byte{0, 0, 0xc3, 0x50, 0, 0, 0xc3, 0x50}) // 50,000 × 50,000
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestSaveLogo(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	c := w.Commune
	for _, tc := range []struct {
		format       string
		w, h         int
		wantW, wantH int
	}{
		{"png", 1200, 300, 400, 100},   // too wide: fitted to the width
		{"jpeg", 300, 600, 80, 160},    // too tall: fitted to the height
		{"png", 200, 50, 200, 50},      // small: never enlarged
		{"jpeg", 2500, 1000, 400, 160}, // the largest accepted
	} {
		// What follows the image's end is no part of it: a decoder skips it.
		data := append(encoded(t, tc.format, tc.w, tc.h), []byte("<script>alert(1)</script>")...)
		fixture.Must(t, commune.SaveLogo(ctx, db, c, data, w.Clock.Now()))
		l, err := models.LogoOf(ctx, db, c.ID)
		fixture.Must(t, err)
		img, err := png.Decode(bytes.NewReader(l.PNG))
		if err != nil {
			t.Fatalf("%s %d×%d: the stored logo is not a PNG: %v", tc.format, tc.w, tc.h, err)
		}
		if b := img.Bounds(); b.Dx() != tc.wantW || b.Dy() != tc.wantH {
			t.Errorf("%s %d×%d stored as %d×%d, want %d×%d", tc.format, tc.w, tc.h, b.Dx(), b.Dy(), tc.wantW, tc.wantH)
		}
		if bytes.Contains(l.PNG, []byte("<script>")) {
			t.Errorf("%s %d×%d: the bytes sent are served back", tc.format, tc.w, tc.h)
		}
		got, _ := models.CommuneByID(ctx, db, c.ID)
		if got.LogoSHA256 != l.SHA256 || c.LogoSHA256 != l.SHA256 {
			t.Errorf("the commune names logo %q, the stored one is %q", got.LogoSHA256, l.SHA256)
		}
	}
	kept := c.LogoSHA256
	for name, tc := range map[string]struct {
		data  []byte
		words string
	}{
		"gif":             {encoded(t, "gif", 100, 100), "n'est pas une image PNG ou JPEG"},
		"svg":             {[]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "n'est pas une image PNG ou JPEG"},
		"pdf":             {[]byte("%PDF-1.4\n%%EOF\n"), "n'est pas une image PNG ou JPEG"},
		"too many pixels": {encoded(t, "png", 2501, 10), "mesure 2501 × 10 pixels"},
		"bomb":            {bomb(t), "mesure 50000 × 50000 pixels"},
		"truncated":       {encoded(t, "png", 300, 300)[:200], "n'a pas pu être lue"},
		"too large":       {append(encoded(t, "png", 10, 10), make([]byte, commune.MaxLogoBytes)...), "trop volumineux"},
	} {
		err := commune.SaveLogo(ctx, db, c, tc.data, w.Clock.Now())
		if msg := fields(t, err)[commune.LogoField]; !strings.Contains(msg, tc.words) {
			t.Errorf("%s: %q, want %q", name, msg, tc.words)
		}
	}
	if got, _ := models.CommuneByID(ctx, db, c.ID); got.LogoSHA256 != kept {
		t.Fatal("a refused logo replaced the logo")
	}
	fixture.Must(t, commune.RemoveLogo(ctx, db, c))
	if _, err := models.LogoOf(ctx, db, c.ID); err != models.ErrNotFound {
		t.Fatalf("removed logo: %v", err)
	}
}
