package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"guichet/fixture"
	"guichet/links"
	"guichet/models"
	"guichet/workflow"
)

// newDraft starts a draft of the demo's occupation procedure and returns
// the browser and its page path.
func newDraft(t *testing.T, a *app) (*client, string) {
	t.Helper()
	a.demoProcedures()
	c := a.client()
	return c, startDraft(t, c, a.Commune.Slug, "occupation-domaine-public", "claude@exemple.fr")
}

func attachments(t *testing.T, a *app, d *models.Demand) []models.Attachment {
	t.Helper()
	atts, err := models.Attachments(context.Background(), a.DB, d.CommuneID, d.ID)
	fixture.Must(t, err)
	return atts
}

// A refused file gets a French reason next to its input; nothing is
// attached, and what was typed with it (without JavaScript) is kept.
func TestRefusedFilesLoseNothing(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(a *app)
		before  []upload // accepted first
		file    upload
		message string
	}{
		{name: "oversized file", setup: func(a *app) { a.Config.MaxFileSize = 50_000 },
			file: upload{"plan", "plan.pdf", pdfFile(50_001)}, message: "« plan.pdf » est trop volumineux : 50 Ko au plus par fichier."},
		{name: "executable named .pdf", file: upload{"plan", "plan.pdf", exeFile()},
			message: "« plan.pdf » n'a pas été joint. Ce fichier n'est pas d'un type accepté : son contenu est celui d'un programme exécutable, quel que soit son nom. Formats acceptés : PDF, JPEG, PNG"},
		{name: "web page named .png", file: upload{"plan", "plan.png", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")},
			message: "n'est pas d'un type accepté : c'est une page web"},
		{name: "over the demand's total", setup: func(a *app) { a.Config.MaxFileSize, a.Config.MaxDemandSize = 60_000, 100_000 },
			before: []upload{{"plan", "a.pdf", pdfFile(40_000)}, {"assurance", "b.pdf", pdfFile(40_000)}},
			file:   upload{"plan", "c.pdf", pdfFile(30_000)}, message: "les fichiers d'une demande ne peuvent dépasser 100 Ko au total, et il reste 20 Ko"},
		{name: "one file too many for the question", setup: func(a *app) { a.Config.MaxFilesPerField = 2 },
			before: []upload{{"plan", "a.pdf", pdfFile(1000)}, {"plan", "b.pdf", pdfFile(1001)}},
			file:   upload{"plan", "c.pdf", pdfFile(1002)}, message: "« c.pdf » n'a pas été joint : 2 fichiers au plus pour cette question."},
		{name: "one file too many for the demand", setup: func(a *app) { a.Config.MaxFilesPerDemand = 2 },
			before: []upload{{"plan", "a.pdf", pdfFile(1000)}, {"assurance", "b.pdf", pdfFile(1001)}},
			file:   upload{"plan", "c.pdf", pdfFile(1002)}, message: "« c.pdf » n'a pas été joint : une demande compte 2 fichiers au plus."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newApp(t)
			if tc.setup != nil {
				tc.setup(a)
			}
			c, path := newDraft(t, a)
			for _, f := range tc.before {
				c.postMultipart(path+"/pieces?champ="+f.Field, nil, []upload{f}, true)
			}
			d := a.onlyDemand(t)
			before := len(attachments(t, a, d))
			if before != len(tc.before) {
				t.Fatalf("%d files accepted first, want %d", before, len(tc.before))
			}

			// With htmx: the field's block says why.
			r := c.postMultipart(path+"/pieces?champ=plan", nil, []upload{tc.file}, true)
			if r.StatusCode != http.StatusOK || !strings.Contains(strings.Join(strings.Fields(r.Doc.Find("#champ-plan-erreur").Text()), " "), tc.message) {
				t.Fatalf("htmx: %d %s", r.StatusCode, r.Body)
			}
			if r.Doc.Find("#champ-plan").AttrOr("aria-invalid", "") != "true" {
				t.Error("the file input is not marked invalid")
			}

			// Without JavaScript: the whole page, with what was typed.
			page := c.get(path)
			_, values := demandForm(t, page)
			values.Set("societe", "Café du Cours")
			values.Set("telephone", "06 12 34 56 78")
			r = c.postMultipart(path+"/pieces", values, []upload{tc.file}, false)
			assertAccessible(t, r.Doc)
			if msg, invalid := fieldError(r, "champ-plan"); r.StatusCode != http.StatusUnprocessableEntity || !invalid || !strings.Contains(msg, tc.message) {
				t.Fatalf("no-JS: %d %q", r.StatusCode, msg)
			}
			if r.Doc.Find("#champ-societe").AttrOr("value", "") != "Café du Cours" {
				t.Error("typed text lost on the no-JS page")
			}
			if d = a.reload(t, d); d.Data["societe"] != "Café du Cours" || d.Data["telephone"] != "06 12 34 56 78" {
				t.Errorf("typed text not saved with the refused file: %v", d.Data)
			}
			if n := len(attachments(t, a, d)); n != before {
				t.Errorf("%d files after the refusal, want %d", n, before)
			}
		})
	}
}

// A request cut by the size limit still answers, in French.
func TestUploadOverTheRequestLimit(t *testing.T) {
	a := newApp(t)
	a.Config.MaxFileSize, a.Config.MaxDemandSize = 10_000, 20_000
	c, path := newDraft(t, a)
	r := c.postMultipart(path+"/pieces?champ=plan", nil, []upload{{"plan", "gros.pdf", pdfFile(2 << 20)}}, true)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "trop volumineux") {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	if n := len(attachments(t, a, a.onlyDemand(t))); n != 0 {
		t.Fatalf("%d files kept", n)
	}
}

func TestSubmissionRefusesInvalidValues(t *testing.T) {
	a := newApp(t)
	c, path := newDraft(t, a)
	for _, f := range []upload{{"plan", "plan.pdf", pdfFile(1000)}, {"assurance", "assurance.pdf", pdfFile(1000)}} {
		c.postMultipart(path+"/pieces?champ="+f.Field, nil, []upload{f}, true)
	}
	_, valid := demandForm(t, c.get(path))
	for k, v := range map[string]string{"telephone": "06 12 34 56 78", "nature": "Benne", "adresse": "1 rue Haute",
		"dates:debut": "2026-12-01", "dates:fin": "2026-12-02", "surface": "4"} {
		valid.Set(k, v)
	}
	valid["engagements"] = []string{"Je m'engage à laisser le passage libre aux piétons", "Je m'engage à remettre les lieux en état"}
	cases := []struct {
		field, value, id, message string
	}{
		{"telephone", "", "champ-telephone", "Renseignez « Téléphone »."},
		{"telephone", "01 23", "champ-telephone", "Saisissez un numéro de téléphone valide"},
		{"surface", "2000", "champ-surface", "Saisissez un nombre entre 1 et 1000."},
		{"dates:fin", "32/12/2026", "champ-dates", "Saisissez une date de fin valide"},
		{"nature", "Piscine", "champ-nature", "Choisissez une des réponses proposées."},
		{"engagements", "Je m'engage à remettre les lieux en état", "champ-engagements", "Cochez toutes les cases de « Engagements »."},
	}
	for _, tc := range cases {
		values := url.Values{}
		for k, v := range valid {
			values[k] = v
		}
		values.Set(tc.field, tc.value)
		r := c.postMultipart(path+"/deposer", values, nil, false)
		assertAccessible(t, r.Doc)
		msg, invalid := fieldError(r, tc.id)
		if r.StatusCode != http.StatusUnprocessableEntity || !invalid || !strings.Contains(msg, tc.message) {
			t.Errorf("%s=%q: %d %q", tc.field, tc.value, r.StatusCode, msg)
		}
		if got := r.Doc.Find("#champ-adresse").AttrOr("value", ""); got != "1 rue Haute" {
			t.Errorf("%s=%q: other answers lost (%q)", tc.field, tc.value, got)
		}
	}
	if d := a.onlyDemand(t); d.State != workflow.Draft {
		t.Fatalf("submitted despite errors: %s", d.State)
	}
	r := c.postMultipart(path+"/deposer", valid, nil, false)
	if r.StatusCode != http.StatusSeeOther || a.onlyDemand(t).State != workflow.Submitted {
		t.Fatalf("valid submission: %d %s", r.StatusCode, text(r))
	}
	// Once submitted, the draft's actions change nothing.
	late := c.postMultipart(path+"/pieces?champ=plan", nil, []upload{{"plan", "tard.pdf", pdfFile(500)}}, true)
	if late.StatusCode != http.StatusSeeOther || len(attachments(t, a, a.onlyDemand(t))) != 2 {
		t.Fatalf("upload after submission: %d, %d files", late.StatusCode, len(attachments(t, a, a.onlyDemand(t))))
	}
}

// A tampered link shows nothing and offers a fresh link to the address on
// file, from the tracking code; never to an address typed in.
func TestTamperedLink(t *testing.T) {
	a := newApp(t)
	_, path := newDraft(t, a)
	d := a.onlyDemand(t)
	a.sendMail()
	a.SMTP.Reset()
	tampered := path[:len(path)-3] + "xyz"
	c := a.client()
	for _, p := range []string{tampered, tampered + "/confirmation", tampered + "/pieces/1"} {
		r := c.get(p)
		assertAccessible(t, r.Doc)
		if r.StatusCode != http.StatusForbidden || !strings.Contains(text(r), "Ce lien n'est pas valable") || strings.Contains(text(r), d.TrackingCode) {
			t.Fatalf("GET %s: %d %s", p, r.StatusCode, text(r))
		}
		if r.Doc.Find(`input[type="email"], input[name="email"]`).Length() != 0 {
			t.Fatal("the page asks for an e-mail address")
		}
	}
	if r := c.postMultipart(tampered+"/enregistrer", url.Values{"_formulaire": {"1"}, "societe": {"Pirate"}}, nil, false); r.StatusCode != http.StatusForbidden {
		t.Fatalf("POST with a tampered link: %d", r.StatusCode)
	}
	if a.reload(t, d).Data["societe"] != nil {
		t.Fatal("a tampered link changed the draft")
	}
	r := c.post("/c/"+a.Commune.Slug+"/suivre", url.Values{"code": {strings.ToLower(d.TrackingCode)}, "email": {"pirate@exemple.fr"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("tracking code: %d %s", r.StatusCode, text(r))
	}
	home := c.follow(r)
	assertAccessible(t, home.Doc)
	if !strings.Contains(text(home), trackingAnswer) || strings.Contains(text(home), "@exemple.fr") || strings.Contains(text(home), "•••") {
		t.Fatalf("after the tracking code: %s", text(home))
	}
	msgs := a.sendMail()
	if len(msgs) != 1 || msgs[0].To[0] != "claude@exemple.fr" {
		t.Fatalf("fresh link sent to %v", msgs)
	}
	if fresh := c.get(pathOf(t, followLinkIn(t, msgs[0]))); fresh.StatusCode != http.StatusOK {
		t.Fatalf("fresh link: %d", fresh.StatusCode)
	}
	// An unknown code gets the same answer, and no mail: the page never
	// tells whether a code exists. An empty one is said so, by the field.
	r = c.post("/c/"+a.Commune.Slug+"/suivre", url.Values{"code": {"ZZZZ9999"}})
	if unknown := c.follow(r); text(unknown) != text(home) {
		t.Errorf("unknown code: %d %s\nknown code: %s", r.StatusCode, text(unknown), text(home))
	}
	if n := len(a.sendMail()); n != 1 {
		t.Fatalf("%d mails after an unknown code, want the first one only", n)
	}
	r = c.post("/c/"+a.Commune.Slug+"/suivre", url.Values{"code": {""}})
	assertAccessible(t, r.Doc)
	if msg, invalid := fieldError(r, "code"); r.StatusCode != http.StatusUnprocessableEntity || !invalid || !strings.Contains(msg, "Indiquez le code de suivi") {
		t.Errorf("empty code: %d %q", r.StatusCode, msg)
	}
	// Too many fresh links in an hour are not sent.
	for i := 0; i < 3; i++ {
		c.post("/c/"+a.Commune.Slug+"/suivre", url.Values{"code": {d.Reference}})
	}
	if n := len(a.sendMail()); n != 3 {
		t.Fatalf("%d fresh links sent in the hour, want 3", n)
	}
}

// trackingAnswer is what "Suivre une demande" answers to any code.
const trackingAnswer = "Si ce code correspond à une demande faite à"

// TestTrackingLookupThrottled: one client cannot try codes without bound;
// the refusal says why in French and keeps the code typed.
func TestTrackingLookupThrottled(t *testing.T) {
	a := newApp(t)
	c := a.client()
	for i := range 20 {
		if r := c.post("/c/"+a.Commune.Slug+"/suivre", url.Values{"code": {fmt.Sprintf("ZZZZ%04d", i)}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("lookup %d: %d %s", i+1, r.StatusCode, text(r))
		}
	}
	d := a.DemandAt(t, fixture.AtSubmitted)
	a.sendMail()
	r := c.post("/c/"+a.Commune.Slug+"/suivre", url.Values{"code": {d.TrackingCode}})
	assertAccessible(t, r.Doc)
	if msg, invalid := fieldError(r, "code"); r.StatusCode != http.StatusTooManyRequests || !invalid || !strings.Contains(msg, "depuis votre connexion") || !strings.Contains(msg, "dans une heure") {
		t.Fatalf("21st lookup: %d %q", r.StatusCode, msg)
	}
	if code, _ := r.Doc.Find("#code").Attr("value"); code != d.TrackingCode {
		t.Errorf("the code typed is lost: %q", code)
	}
	if n := len(a.sendMail()); n != 1 {
		t.Fatalf("%d mails after a refused lookup, want the submission's receipt only", n)
	}
}

func TestExpiredLink(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	tok, err := a.Links.Sign(links.Follow, links.Claims{CommuneID: a.Commune.ID, DemandID: d.ID}, -time.Minute)
	fixture.Must(t, err)
	c := a.client()
	path := "/c/" + a.Commune.Slug + "/suivi/" + tok
	r := c.get(path)
	assertAccessible(t, r.Doc)
	if r.StatusCode != http.StatusGone || !strings.Contains(text(r), "Ce lien a expiré") || strings.Contains(text(r), d.Reference) {
		t.Fatalf("expired: %d %s", r.StatusCode, text(r))
	}
	a.sendMail()
	a.SMTP.Reset()
	renew := r.Doc.Find("form").AttrOr("action", "")
	if r = c.post(renew, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("renew: %d %s", r.StatusCode, text(r))
	}
	msgs := a.sendMail()
	if len(msgs) != 1 || msgs[0].To[0] != d.CitizenEmail {
		t.Fatalf("fresh link: %v", msgs)
	}
	fresh := c.get(pathOf(t, followLinkIn(t, msgs[0])))
	if fresh.StatusCode != http.StatusOK || !strings.Contains(text(fresh), d.Reference) {
		t.Fatalf("fresh link: %d %s", fresh.StatusCode, text(fresh))
	}
}

// A commune's link opens nothing under another commune's address.
func TestDraftOfAnotherCommune(t *testing.T) {
	a := newApp(t)
	other := fixture.NewWorld(t, a.DB)
	theirs := other.Draft(t, "voisin@exemple.fr")
	tok, err := a.Links.Sign(links.Follow, links.Claims{CommuneID: other.Commune.ID, DemandID: theirs.ID}, time.Hour)
	fixture.Must(t, err)
	c := a.client()
	// Their valid link, under our commune's address, and ours naming their demand.
	ours, err := a.Links.Sign(links.Follow, links.Claims{CommuneID: a.Commune.ID, DemandID: theirs.ID}, time.Hour)
	fixture.Must(t, err)
	for _, path := range []string{"/c/" + a.Commune.Slug + "/suivi/" + tok, "/c/" + a.Commune.Slug + "/suivi/" + ours} {
		r := c.get(path)
		if r.StatusCode != http.StatusForbidden || strings.Contains(r.Body, theirs.TrackingCode) {
			t.Fatalf("GET %s: %d", path, r.StatusCode)
		}
		up := c.postMultipart(path+"/pieces?champ=plan", nil, []upload{{"plan", "x.pdf", pdfFile(100)}}, true)
		if up.StatusCode != http.StatusForbidden {
			t.Fatalf("upload: %d", up.StatusCode)
		}
		if r := c.post(path+"/nouveau-lien", nil); r.StatusCode != http.StatusForbidden {
			t.Fatalf("renew: %d", r.StatusCode)
		}
	}
	if r := c.post("/c/"+a.Commune.Slug+"/suivre", url.Values{"code": {theirs.TrackingCode}}); r.StatusCode != http.StatusSeeOther || !strings.Contains(text(c.follow(r)), trackingAnswer) {
		t.Fatalf("their tracking code at our commune: %d %s", r.StatusCode, text(r))
	}
	// Under its own commune the link works.
	if r := c.get("/c/" + other.Commune.Slug + "/suivi/" + tok); r.StatusCode != http.StatusOK {
		t.Fatalf("own commune: %d %s", r.StatusCode, text(r))
	}
	if n := len(a.sendMail()); n != 0 {
		t.Fatalf("%d mails sent", n)
	}
}

func TestUnknownCommuneAndProcedure(t *testing.T) {
	a := newApp(t)
	c := a.client()
	for path, want := range map[string]string{"/c/nulle-part/": "Commune introuvable", "/c/" + a.Commune.Slug + "/demarches/inconnue": "Démarche introuvable"} {
		r := c.get(path)
		assertAccessible(t, r.Doc)
		if r.StatusCode != http.StatusNotFound || !strings.Contains(text(r), want) {
			t.Errorf("%s: %d %s", path, r.StatusCode, text(r))
		}
	}
}
