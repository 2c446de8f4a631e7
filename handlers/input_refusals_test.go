package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// noErrorLogged fails the test if the server logged an ERROR line: bad
// input is the person's doing, not a fault of ours.
func noErrorLogged(t *testing.T, a *app) {
	t.Helper()
	if lines := a.Logs.errors(); len(lines) > 0 {
		t.Fatalf("ERROR logged:\n%s", strings.Join(lines, "\n"))
	}
}

// A number field given "NaN" or "Inf" (which strconv reads), or a text field
// given a NUL byte (which PostgreSQL refuses): the draft is saved with what
// can be kept, each field says what is wrong, nothing is lost.
func TestDraftRefusesNaNAndNUL(t *testing.T) {
	for _, number := range []string{"NaN", "Inf", "-infinity"} {
		t.Run(number, func(t *testing.T) {
			a := newApp(t)
			c, path := newDraft(t, a)
			_, values := demandForm(t, c.get(path))
			values.Set("surface", number)
			values.Set("societe", "Café\x00 des Arts")
			values.Set("adresse", "Place du Marché")
			r := c.postMultipart(path+"/enregistrer", values, nil, false)
			mustStatus(t, r, http.StatusUnprocessableEntity)
			if msg, invalid := fieldError(r, "champ-surface"); !invalid || !strings.Contains(msg, "Saisissez un nombre pour « Surface occupée (m²) »") {
				t.Errorf("surface: %q %v", msg, invalid)
			}
			if v := r.Doc.Find("#champ-surface").AttrOr("value", ""); v != number {
				t.Errorf("surface shown as %q, want %q as typed", v, number)
			}
			if msg, invalid := fieldError(r, "champ-societe"); !invalid || !strings.Contains(msg, "caractère non autorisé") {
				t.Errorf("societe: %q %v", msg, invalid)
			}
			if v := r.Doc.Find("#champ-societe").AttrOr("value", ""); v != "Café des Arts" {
				t.Errorf("societe shown as %q", v)
			}
			d := a.onlyDemand(t)
			if d.Data["adresse"] != "Place du Marché" || d.Data["surface"] != number || d.Data["societe"] != "Café des Arts" {
				t.Errorf("draft saved as %v", d.Data)
			}
			noErrorLogged(t, a)
		})
	}
}

// A file whose name holds a NUL byte cannot be read (Go refuses the part's
// header): the file field says so, and a form cut short there is not saved
// over the draft (that would erase the answers after it).
func TestFileNameWithNUL(t *testing.T) {
	a := newApp(t)
	c, path := newDraft(t, a)
	r := c.postMultipart(path+"/pieces?champ=plan", nil, []upload{{"plan", "plan\x00.pdf", pdfFile(100)}}, true)
	mustStatus(t, r, http.StatusOK) // htmx swaps only successful answers
	if msg := strings.Join(strings.Fields(r.Doc.Find("#champ-plan-erreur").Text()), " "); !strings.Contains(msg, "le nom d'un fichier contient un caractère non autorisé") {
		t.Fatalf("htmx: %s", r.Body)
	}

	_, values := demandForm(t, c.get(path))
	values.Set("adresse", "Place du Marché")
	fixture.Must(t, models.SaveDraft(context.Background(), a.DB, a.Commune.ID, a.onlyDemand(t).ID, map[string]any{"societe": "Saved before"}))
	r = c.postMultipart(path+"/enregistrer", url.Values{"adresse": {"Place du Marché"}}, []upload{{"plan", "plan\x00.pdf", pdfFile(100)}}, false)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Le brouillon n'a pas été enregistré")
	if msg, _ := fieldError(r, "champ-plan"); !strings.Contains(msg, "Renommez le fichier") {
		t.Errorf("plan: %q", msg)
	}
	if v := r.Doc.Find("#champ-adresse").AttrOr("value", ""); v != "Place du Marché" {
		t.Errorf("adresse shown as %q", v)
	}
	if v := r.Doc.Find("#champ-societe").AttrOr("value", ""); v != "Saved before" {
		t.Errorf("societe shown as %q", v)
	}
	d := a.onlyDemand(t)
	if d.Data["societe"] != "Saved before" || len(attachments(t, a, d)) != 0 {
		t.Errorf("draft %v, %d files", d.Data, len(attachments(t, a, d)))
	}
	noErrorLogged(t, a)
}

// Outside the demand's form, text PostgreSQL cannot keep is refused before
// any handler: a form comes back cleaned, to be checked and sent again; an
// address gets a French page.
func TestUnstorableTextIsRefusedInFrench(t *testing.T) {
	a := newApp(t)
	a.demoProcedures()
	ag := a.signIn(a.Accueil)
	d := a.DemandAt(t, workflow.Submitted)

	// A note: shown cleaned, sent again, kept.
	notes := "/gestion/demandes/" + itoa(d.ID) + "/notes"
	r := ag.post(notes, url.Values{"message": {"Appeler\x00 le demandeur"}})
	mustStatus(t, r, http.StatusBadRequest)
	mustContain(t, r, "caractère non autorisé")
	mustContain(t, r, "Appeler le demandeur")
	form := r.Doc.Find("main form")
	if form.AttrOr("action", "") != notes {
		t.Fatalf("resend form: %s", r.Body)
	}
	if r := ag.post(notes, formValues(form)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sent again: %d %s", r.StatusCode, text(r))
	}
	hist, err := models.History(context.Background(), a.DB, d.CommuneID, d.ID, false)
	fixture.Must(t, err)
	if last := hist[len(hist)-1]; last.Message != "Appeler le demandeur" {
		t.Fatalf("note kept as %q", last.Message)
	}

	// A draft's start, a tracking code: the citizen's forms.
	start := "/c/" + a.Commune.Slug + "/demarches/occupation-domaine-public"
	r = a.client().post(start, url.Values{"email": {"claude@exemple.fr"}, "nom": {"Claude\x00 Dupont"}})
	mustStatus(t, r, http.StatusBadRequest)
	mustContain(t, r, "Claude Dupont")
	if r.Doc.Find(`main form input[name="nom"]`).AttrOr("value", "") != "Claude Dupont" {
		t.Fatalf("start form: %s", r.Body)
	}
	mustStatus(t, a.client().post("/c/"+a.Commune.Slug+"/suivre", url.Values{"code": {"AB\x00CD"}}), http.StatusBadRequest)

	// A password is never written into a page: the sign-in form is typed again.
	r = a.client().post("/gestion/connexion", url.Values{"email": {"agent\x00@plassans.fr"}, "password": {"secret"}})
	mustStatus(t, r, http.StatusBadRequest)
	if strings.Contains(r.Body, "secret") || r.Doc.Find(`main a[href="/gestion/connexion"]`).Length() != 1 {
		t.Fatalf("sign-in: %s", r.Body)
	}

	// Addresses: a search, a commune.
	mustStatus(t, ag.get("/gestion/?q=nid%00poule"), http.StatusBadRequest)
	mustStatus(t, a.client().get("/c/pla%00ssans/"), http.StatusBadRequest)
	noErrorLogged(t, a)
}

// A page position that does not parse, or does not fit the sort, gets a
// French 400 with a link to the list's first page, filters kept.
func TestBadPagePosition(t *testing.T) {
	a := newApp(t)
	ag := a.signIn(a.Supervisor)
	u, _, err := a.Notifier.BoardURL(a.Commune, a.Voirie)
	fixture.Must(t, err)
	board := pathOf(t, u)
	cases := []struct{ path, first string }{
		{"/gestion/supervision?etat=submitted&apres=garbage", "/gestion/supervision?etat=submitted"},
		{"/gestion/supervision?etat=submitted&avant=", ""}, // empty: the first page
		{"/gestion/supervision?etat=submitted&avant=.12", "/gestion/supervision?etat=submitted"},
		{"/gestion/supervision?tri=modifiee&apres=YWJj.12", "/gestion/supervision?tri=modifiee"},    // "abc" is no date
		{"/gestion/supervision?tri=etat&apres=OTk5OTk5OTk5OTk5.3", "/gestion/supervision?tri=etat"}, // out of integer range
		{"/gestion/supervision?q=voirie&apres=AA.3", "/gestion/supervision?q=voirie"},               // a NUL key
		{board + "?attente_apres=x", board + "#en-attente"},
	}
	for _, tc := range cases {
		r := ag.get(tc.path)
		if tc.first == "" {
			mustStatus(t, r, http.StatusOK)
			continue
		}
		mustStatus(t, r, http.StatusBadRequest)
		mustContain(t, r, "Cette page de la liste n'existe pas")
		if href := r.Doc.Find("main a").Last().AttrOr("href", ""); href != tc.first {
			t.Errorf("%s: link %q, want %q", tc.path, href, tc.first)
		}
	}
	noErrorLogged(t, a)
}

// A period whose end comes before its start is not submitted.
func TestPeriodEndBeforeStart(t *testing.T) {
	a := newApp(t)
	c, path := newDraft(t, a)
	c.postMultipart(path+"/pieces?champ=plan", nil, []upload{{"plan", "plan.pdf", pdfFile(100)}}, true)
	c.postMultipart(path+"/pieces?champ=assurance", nil, []upload{{"assurance", "assurance.pdf", pdfFile(100)}}, true)
	_, values := demandForm(t, c.get(path))
	for k, v := range map[string]string{"telephone": "06 12 34 56 78", "nature": "Terrasse", "adresse": "Place du Marché",
		"dates:debut": "2027-06-10", "dates:fin": "2027-06-01", "surface": "12", "societe": "Café du Cours"} {
		values.Set(k, v)
	}
	values["engagements"] = []string{"Je m'engage à laisser le passage libre aux piétons", "Je m'engage à remettre les lieux en état"}
	r := c.postMultipart(path+"/deposer", values, nil, false)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	// The message is beside the period (its fieldset), and in the summary.
	if msg := r.Doc.Find(".period .field-error").Text(); !strings.HasSuffix(msg, "La date de fin doit être postérieure ou égale à la date de début.") {
		t.Fatalf("dates: %q (%s)", msg, text(r))
	}
	if r.Doc.Find(`.error-summary a[href="#champ-dates"]`).Length() != 1 {
		t.Fatal("the error summary does not link to the period")
	}
	// Everything typed is kept, the two dates as typed.
	for sel, want := range map[string]string{"#champ-dates": "2027-06-10", "#champ-dates-fin": "2027-06-01", "#champ-societe": "Café du Cours", "#champ-surface": "12"} {
		if got := r.Doc.Find(sel).AttrOr("value", ""); got != want {
			t.Errorf("%s: %q kept, want %q", sel, got, want)
		}
	}
	if d := a.onlyDemand(t); d.State != workflow.Draft || d.Data["dates"].(map[string]any)["fin"] != "2027-06-01" {
		t.Fatalf("demand %s %v", d.State, d.Data)
	}
	// The same day is a period.
	values.Set("dates:fin", "2027-06-10")
	if r := c.postMultipart(path+"/deposer", values, nil, false); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("one-day period: %d %s", r.StatusCode, text(r))
	}
}
