package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/apperr"
	"guichet/auth"
	"guichet/files"
	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// actionForm is the form of an action on the demand page, with what a
// browser would send from it untouched.
func actionForm(t testing.TB, r *response, slug string) (string, url.Values) {
	t.Helper()
	f := r.Doc.Find(`form[action*="/actions/` + slug + `"]`) // the action may carry the list to go back to
	if f.Length() != 1 {
		t.Fatalf("no %q form on %s (%d): %s", slug, r.Request.URL.Path, r.StatusCode, text(r))
	}
	return f.AttrOr("action", ""), formValues(f)
}

// offered lists the actions the demand page offers, in order.
func offered(r *response) []string {
	var out []string
	r.Doc.Find(`details.action form`).Each(func(_ int, s *goquery.Selection) {
		a := s.AttrOr("action", "")
		out = append(out, a[strings.LastIndex(a, "/")+1:])
	})
	return out
}

// serviceChoices lists the services the transfer form offers, as labelled.
func serviceChoices(r *response) []string {
	var out []string
	r.Doc.Find(`#transmettre-service option[value!=""]`).Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
	return out
}

// A demand sent back says, at the top of its page, which service sent it
// back and why: the last one to do so, when it went to several.
func TestReturnedDemandSaysWhoSentItBackAndWhy(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtReturned)
	d = a.Apply(t, d, workflow.Transfer, workflow.AgentActor(a.Accueil), workflow.Input{ServiceID: a.Urbanisme.ID})
	d = a.Apply(t, d, workflow.ReturnToGuichet, workflow.ServiceActor(a.Urbanisme, *d.AssignmentID, "Camille"),
		workflow.Input{Message: "Pas de travaux : c'est bien pour la voirie."})

	r := a.signIn(a.Accueil).get("/gestion/demandes/" + itoa(d.ID))
	mustStatus(t, r, http.StatusOK)
	assertAccessible(t, r.Doc)
	top := r.Doc.Find("h1").NextUntil("#actions")
	if got := strings.Join(strings.Fields(top.Filter(".returned").Text()), " "); !strings.Contains(got, "Renvoyée par le service urbanisme (Camille)") ||
		!strings.Contains(got, "Pas de travaux : c'est bien pour la voirie.") || strings.Contains(got, "Relève de l'urbanisme.") {
		t.Fatalf("above the actions: %q", strings.Join(strings.Fields(top.Text()), " "))
	}
	day := d.UpdatedAt.In(paris).Format("02/01/2006")
	if services := serviceChoices(r); !slices.Equal(services, []string{"urbanisme — a renvoyé cette demande le " + day, "voirie"}) {
		t.Fatalf("services %v", services)
	}
}

// attach stores content as a citizen's file of the demand.
func (a *app) attach(d *models.Demand, field, name string, content []byte) *models.Attachment {
	a.t.Helper()
	st := &files.Store{Dir: filepath.Join(a.Config.DataDir, "uploads")}
	up, err := st.Receive(bytes.NewReader(content), int64(len(content)))
	fixture.Must(a.t, err)
	att := &models.Attachment{CommuneID: d.CommuneID, DemandID: d.ID, Field: field, Filename: name,
		ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256, UploadedBy: "citizen"}
	fixture.Must(a.t, models.AddAttachment(context.Background(), a.DB, att, workflow.AllStates, models.FileLimits{Size: 1 << 30, Files: 50, FilesPerField: 10}, up.Keep))
	return att
}

func TestDemandPageShowsDataFilesHistoryAndOnlyAllowedActions(t *testing.T) {
	a := newApp(t)
	a.Procedure.Form = append(a.Procedure.Form, models.Field{Name: "photo", Label: "Photo", Type: "file"})
	_, err := a.DB.NewUpdate().Model(&a.Procedure.ProcedureVersion).Column("form").WherePK().Exec(context.Background())
	fixture.Must(t, err)
	d := a.DemandAt(t, fixture.AtReturned)
	photo := a.attach(d, "photo", "lampadaire.png", pngFile())
	_, err = a.Engine.Note(context.Background(), d.ID, workflow.AgentActor(a.Supervisor), "Voir avec la mairie annexe.")
	fixture.Must(t, err)

	c := a.signIn(a.Accueil)
	r := c.get("/gestion/demandes/" + itoa(d.ID))
	mustStatus(t, r, http.StatusOK)
	assertAccessible(t, r.Doc)
	for _, want := range []string{d.Reference, "Renvoyée à l'accueil", "Claude Dupont", "Lampadaire éteint rue de l'Église",
		d.CitizenEmail, d.TrackingCode, "lampadaire.png"} {
		mustContain(t, r, want)
	}
	if got, want := offered(r), []string{"accepter", "correction", "transmettre", "refuser"}; !slices.Equal(got, want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
	if v := r.Doc.Find(`form[action$="/actions/accepter"] input[name="version"]`).AttrOr("value", ""); v != itoa(int64(d.Version)) {
		t.Fatalf("version %q, want %d", v, d.Version)
	}
	// The transfer offers the commune's active services only, the one that
	// sent the demand back marked.
	if services := serviceChoices(r); !slices.Equal(services, []string{"urbanisme", "voirie — a renvoyé cette demande le " + d.UpdatedAt.In(paris).Format("02/01/2006")}) {
		t.Fatalf("services %v", services)
	}

	// The whole history: public and internal events, who, how, what.
	var hist []string
	r.Doc.Find("ol.timeline > li").Each(func(_ int, s *goquery.Selection) {
		hist = append(hist, strings.Join(strings.Fields(s.Text()), " "))
	})
	wants := []string{
		"Demande déposée L'usager (" + d.CitizenEmail + ")",
		"Transmise au service voirie Agent accueil",
		"Renvoyée à l'accueil (interne, non visible par l'usager) Service voirie, par son lien sécurisé Relève de l'urbanisme.",
		"Note interne (interne, non visible par l'usager) Agent supervisor Voir avec la mairie annexe.",
	}
	if len(hist) != len(wants) {
		t.Fatalf("history %q", hist)
	}
	for i, w := range wants {
		if !strings.Contains(hist[i], w) {
			t.Errorf("history line %d: %q lacks %q", i, hist[i], w)
		}
	}

	// The citizen's file downloads, and previews since it is an image.
	link := r.Doc.Find(`a[download]`).AttrOr("href", "")
	res, body := c.download(link)
	if res.StatusCode != http.StatusOK || !bytes.Equal(body, pngFile()) || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download %s: %d %s", link, res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	res, _ = c.download(link + "?apercu=1")
	if !strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline") || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("preview: %s %s", res.Header.Get("Content-Disposition"), res.Header.Get("Content-Type"))
	}
	if link != "/gestion/demandes/"+itoa(d.ID)+"/pieces/"+itoa(photo.ID) {
		t.Fatalf("file link %s", link)
	}

	// Nothing to do on a transferred demand: the service holds it.
	r = c.get("/gestion/demandes/" + itoa(a.DemandAt(t, fixture.AtTransferred).ID))
	if len(offered(r)) != 0 {
		t.Fatalf("actions on a transferred demand: %v", offered(r))
	}
	mustContain(t, r, "le service qui la détient la traite")
	// Archiving is the supervisor's.
	acc := a.DemandAt(t, fixture.AtAccepted)
	if got := offered(c.get("/gestion/demandes/" + itoa(acc.ID))); len(got) != 0 {
		t.Fatalf("accueil on an accepted demand: %v", got)
	}
	if got := offered(a.signIn(a.Supervisor).get("/gestion/demandes/" + itoa(acc.ID))); !slices.Equal(got, []string{"archiver"}) {
		t.Fatalf("supervisor on an accepted demand: %v", got)
	}
}

func TestEveryActionFromTheDemandPage(t *testing.T) {
	a := newApp(t)
	cases := []struct {
		action  string
		setup   fixture.Setup
		agent   *models.Agent
		input   url.Values
		state   string
		mails   map[string]string // recipient ("citizen" for the demand's) -> words of the subject
		flash   string
		inMails string // said in the citizen's mail
	}{
		{"accepter", fixture.AtSubmitted, a.Accueil, nil, workflow.Accepted,
			map[string]string{"citizen": "acceptée"}, "Demande acceptée", ""},
		{"refuser", fixture.AtReturned, a.Supervisor, url.Values{"message": {"Hors du territoire de la commune."}}, workflow.Refused,
			map[string]string{"citizen": "refusée"}, "Demande refusée", "Motif : Hors du territoire de la commune."},
		{"correction", fixture.AtSubmitted, a.Accueil, url.Values{"message": {"Précisez le numéro de la rue."}, "champs": {"description"}},
			workflow.CorrectionRequested, map[string]string{"citizen": "correction est nécessaire"}, "Demande de correction envoyée", "Précisez le numéro de la rue."},
		{"transmettre", fixture.AtSubmitted, a.Accueil, url.Values{"service": {itoa(a.Urbanisme.ID)}}, workflow.Transferred,
			map[string]string{"citizen": "transmise au service urbanisme", a.Urbanisme.Email: "à traiter"}, "Demande transmise", "urbanisme"},
		{"archiver", fixture.AtRefused, a.Supervisor, nil, workflow.Archived, nil, "Demande archivée", ""},
	}
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			d := a.DemandAt(t, tc.setup)
			a.sendMail()
			before := len(a.SMTP.Messages())
			c := a.signIn(tc.agent)
			page := c.get("/gestion/demandes/" + itoa(d.ID))
			action, form := actionForm(t, page, tc.action)
			for k, v := range tc.input {
				form[k] = v
			}
			form.Set("confirmer", "oui")
			r := c.post(action, form)
			mustStatus(t, r, http.StatusSeeOther)
			after := c.follow(r)
			mustContain(t, after, tc.flash)
			got := a.reload(t, d)
			if got.State != tc.state || got.Version != d.Version+1 {
				t.Fatalf("state %s v%d, want %s v%d", got.State, got.Version, tc.state, d.Version+1)
			}
			if tc.action == "correction" && !slices.Equal(got.CorrectionFields, []string{"description"}) {
				t.Fatalf("fields to correct %v", got.CorrectionFields)
			}
			ms := a.sendMail()[before:]
			if len(ms) != len(tc.mails) {
				t.Fatalf("%d mails, want %d: %+v", len(ms), len(tc.mails), ms)
			}
			for to, subject := range tc.mails {
				if to == "citizen" {
					to = d.CitizenEmail
				}
				m := mailTo(t, ms, to)
				if !strings.Contains(m.Subject, subject) {
					t.Errorf("mail to %s: %q lacks %q", to, m.Subject, subject)
				}
				if to == d.CitizenEmail && !strings.Contains(m.Text, tc.inMails) {
					t.Errorf("citizen's mail lacks %q:\n%s", tc.inMails, m.Text)
				}
			}
		})
	}
}

func TestActionNeedsItsInputAndAConfirmation(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	c := a.signIn(a.Accueil)
	action, form := actionForm(t, c.get("/gestion/demandes/"+itoa(d.ID)), "refuser")

	r := c.post(action, form)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	for _, id := range []string{"refuser-message", "refuser-confirmer"} {
		if r.Doc.Find(`.error-summary a[href="#`+id+`"]`).Length() != 1 || r.Doc.Find("#"+id+"-erreur").Length() != 1 {
			t.Errorf("no error for %s: %s", id, text(r))
		}
	}
	mustContain(t, r, "Indiquez le motif du refus")

	// The motive typed stays; only the confirmation is missing.
	form.Set("message", "Demande en double avec 2026-AAAA-BBBB.")
	r = c.post(action, form)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if got := r.Doc.Find("#refuser-message").Text(); got != "Demande en double avec 2026-AAAA-BBBB." {
		t.Fatalf("motive typed lost: %q", got)
	}
	if _, open := r.Doc.Find(`details:has(#refuser-message)`).Attr("open"); !open {
		t.Fatal("the form sent is not open")
	}
	if got := a.reload(t, d); got.State != workflow.Submitted || got.Version != d.Version {
		t.Fatalf("changed without confirmation: %s v%d", got.State, got.Version)
	}
	// Correcting a field the procedure does not have is refused.
	action, form = actionForm(t, r, "correction")
	form.Set("message", "Corrigez.")
	form.Set("champs", "inconnu")
	form.Set("confirmer", "oui")
	r = c.post(action, form)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Choisissez les champs à corriger dans la liste")
}

func TestStaleVersionIsRefusedWithTheFreshPageAndTheTextKept(t *testing.T) {
	a := newApp(t)
	c := a.signIn(a.Accueil)

	// The action is no longer possible: the text is kept aside.
	d := a.DemandAt(t, fixture.AtSubmitted)
	action, form := actionForm(t, c.get("/gestion/demandes/"+itoa(d.ID)), "refuser")
	a.Apply(t, d, workflow.Transfer, workflow.AgentActor(a.Supervisor), workflow.Input{ServiceID: a.Voirie.ID})
	form.Set("message", "Motif longuement rédigé.")
	form.Set("confirmer", "oui")
	r := c.post(action, form)
	mustStatus(t, r, http.StatusConflict)
	mustContain(t, r, apperr.StaleMessage)
	// It may have been the same agent, in another tab.
	mustContain(t, r, "Ce dossier a été modifié entre-temps (peut-être dans un autre onglet ou par une autre personne).")
	mustContain(t, r, "Transmise à un service") // the fresh page
	if got := r.Doc.Find(".notice .message").Text(); got != "Motif longuement rédigé." {
		t.Fatalf("text typed not kept: %q", got)
	}
	if got := a.reload(t, d); got.State != workflow.Transferred {
		t.Fatalf("state %s", got.State)
	}

	// Still possible: the form comes back filled in, to be confirmed again.
	d = a.DemandAt(t, fixture.AtCorrectionAccueil)
	d = a.Apply(t, d, workflow.Resubmit, a.Citizen(d), workflow.Input{})
	stale := url.Values{"version": {itoa(int64(d.Version - 1))}, "message": {"Toujours incomplet."}, "confirmer": {"oui"}}
	r = c.post("/gestion/demandes/"+itoa(d.ID)+"/actions/refuser", stale)
	mustStatus(t, r, http.StatusConflict)
	mustContain(t, r, "modifié entre-temps")
	if got := r.Doc.Find("#refuser-message").Text(); got != "Toujours incomplet." {
		t.Fatalf("text typed not kept in its form: %q", got)
	}
	if _, checked := r.Doc.Find("#refuser-confirmer").Attr("checked"); checked {
		t.Fatal("confirmation carried over a stale page")
	}
	if v := r.Doc.Find(`form[action$="/refuser"] input[name="version"]`).AttrOr("value", ""); v != itoa(int64(d.Version)) {
		t.Fatalf("version %s, want the fresh %d", v, d.Version)
	}
}

func TestTwoAgentsActingAtOnceOneWins(t *testing.T) {
	a := newApp(t)
	for range 5 {
		d := a.DemandAt(t, fixture.AtSubmitted)
		acc, sup := a.signIn(a.Accueil), a.signIn(a.Supervisor)
		accAction, accForm := actionForm(t, acc.get("/gestion/demandes/"+itoa(d.ID)), "accepter")
		supAction, supForm := actionForm(t, sup.get("/gestion/demandes/"+itoa(d.ID)), "transmettre")
		accForm.Set("confirmer", "oui")
		supForm.Set("confirmer", "oui")
		supForm.Set("service", itoa(a.Voirie.ID))

		var wg sync.WaitGroup
		var rAcc, rSup *response
		start := make(chan struct{})
		wg.Add(2)
		go func() { defer wg.Done(); <-start; rAcc = acc.post(accAction, accForm) }()
		go func() { defer wg.Done(); <-start; rSup = sup.post(supAction, supForm) }()
		close(start)
		wg.Wait()

		codes := []int{rAcc.StatusCode, rSup.StatusCode}
		slices.Sort(codes)
		if !slices.Equal(codes, []int{http.StatusSeeOther, http.StatusConflict}) {
			t.Fatalf("statuses %v, want one 303 and one 409", codes)
		}
		loser := rAcc
		want := workflow.Transferred
		if rAcc.StatusCode == http.StatusSeeOther {
			loser, want = rSup, workflow.Accepted
		}
		mustContain(t, loser, "modifié entre-temps")
		if got := a.reload(t, d); got.State != want || got.Version != d.Version+1 {
			t.Fatalf("state %s v%d, want %s v%d", got.State, got.Version, want, d.Version+1)
		}
	}
}

func TestInternalNoteChangesNothingAndStaysInternal(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	d = a.reload(t, d)
	c := a.signIn(a.Accueil)
	page := c.get("/gestion/demandes/" + itoa(d.ID))

	r := c.post("/gestion/demandes/"+itoa(d.ID)+"/notes", url.Values{"message": {"  "}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Écrivez la note")

	r = c.post("/gestion/demandes/"+itoa(d.ID)+"/notes", url.Values{"message": {"L'usager a appelé : il passera lundi."}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	last := r.Doc.Find("ol.timeline > li").Last()
	if !strings.Contains(last.Text(), "L'usager a appelé : il passera lundi.") || !strings.Contains(last.Text(), "non visible par l'usager") {
		t.Fatalf("note not in the history: %q", last.Text())
	}
	if got := a.reload(t, d); got.Version != d.Version || !got.UpdatedAt.Equal(d.UpdatedAt) {
		t.Fatal("a note changed the demand")
	}
	// The page loaded before the note can still act: the note bumped nothing.
	action, form := actionForm(t, page, "accepter")
	form.Set("confirmer", "oui")
	mustStatus(t, c.post(action, form), http.StatusSeeOther)

	// The citizen never sees it.
	follow, err := a.Notifier.FollowURL(a.Commune, d)
	fixture.Must(t, err)
	if cit := a.client().get(follow); strings.Contains(cit.Body, "passera lundi") || cit.StatusCode != http.StatusOK {
		t.Fatalf("citizen page %d shows the note", cit.StatusCode)
	}
}

func TestAgentAttachesAFile(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	c := a.signIn(a.Accueil)
	path := "/gestion/demandes/" + itoa(d.ID) + "/pieces"

	r := c.postFile(path, nil, "fichier", "programme.pdf", exeFile())
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "programme exécutable")
	assertAccessible(t, r.Doc)

	r = c.postFile(path, nil, "fichier", "courrier signé.pdf", pdfFile(1000))
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	mustContain(t, r, "« courrier signé.pdf » est joint")
	link := r.Doc.Find(`#pieces + .file-list a[download]`)
	if link.Text() != "courrier signé.pdf" {
		t.Fatalf("agent files: %q", r.Doc.Find(`#pieces + .file-list`).Text())
	}
	if res, body := c.download(link.AttrOr("href", "")); res.StatusCode != http.StatusOK || !bytes.Equal(body, pdfFile(1000)) {
		t.Fatalf("download: %d", res.StatusCode)
	}
	if last := r.Doc.Find("ol.timeline > li").Last().Text(); !strings.Contains(last, "Fichier joint") || !strings.Contains(last, "non visible par l'usager") {
		t.Fatalf("no history line: %q", last)
	}
}

func TestPrintViewHasEverythingButControls(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtReturned)
	r := a.signIn(a.Supervisor).get("/gestion/demandes/" + itoa(d.ID) + "/impression")
	mustStatus(t, r, http.StatusOK)
	for _, want := range []string{d.Reference, "Signalement d'un dysfonctionnement", "Lampadaire éteint", "Relève de l'urbanisme.", "Historique"} {
		mustContain(t, r, want)
	}
	if n := r.Doc.Find("main form").Length(); n != 0 {
		t.Fatalf("%d forms on the print view", n)
	}
	assertAccessible(t, r.Doc)
}

func TestExpiredSessionKeepsWhatWasTyped(t *testing.T) {
	a := newApp(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	c := a.signIn(a.Accueil)
	action, form := actionForm(t, c.get("/gestion/demandes/"+itoa(d.ID)), "correction")
	a.Clock.Advance(auth.SessionLifetime + time.Minute)

	form.Set("message", "Joignez une photo du lampadaire.")
	form["champs"] = []string{"description"}
	form.Set("confirmer", "oui")
	r := c.post(action, form)
	mustStatus(t, r, http.StatusUnauthorized)
	mustContain(t, r, "ce que vous avez saisi est conservé")
	resume := r.Doc.Find(`input[name="reprise"]`).AttrOr("value", "")
	if resume == "" {
		t.Fatal("nothing kept")
	}
	r = c.post("/gestion/connexion", url.Values{"email": {a.Accueil.Email}, "password": {fixture.Password}, "reprise": {resume}})
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Vous êtes reconnecté")
	if got := r.Doc.Find("#correction-message").Text(); got != "Joignez une photo du lampadaire." {
		t.Fatalf("message lost: %q", got)
	}
	if r.Doc.Find(`input[name="champs"][value="description"][checked]`).Length() != 1 {
		t.Fatal("field to correct lost")
	}
	if got := a.reload(t, d); got.State != workflow.Submitted {
		t.Fatal("acted without a session")
	}
	// Sent again, it acts.
	action, form = actionForm(t, r, "correction")
	form.Set("confirmer", "oui")
	mustStatus(t, c.post(action, form), http.StatusSeeOther)
}
