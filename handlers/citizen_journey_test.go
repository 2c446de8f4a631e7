package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/files"
	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// TestCitizenJourney follows one citizen from the commune's portal to a
// corrected demand: start, save, resume by the e-mailed link, upload several
// files, remove one, fail validation with everything kept, submit, receive
// the acknowledgement over SMTP, follow, answer a correction, resubmit.
func TestCitizenJourney(t *testing.T) {
	a := newApp(t)
	procs := a.demoProcedures()
	slug := a.Commune.Slug
	ctx := context.Background()
	browser := a.client()

	// The portal lists the procedures and finds them by keyword.
	home := browser.get("/c/" + slug + "/")
	assertAccessible(t, home.Doc)
	for _, p := range procs {
		if home.Doc.Find(`a[href="/c/`+slug+`/demarches/`+p.Slug+`"]`).Length() != 1 {
			t.Fatalf("home does not list %q: %s", p.Title, text(home))
		}
	}
	if !strings.Contains(home.Doc.Find("footer").Text(), a.Commune.Phone) {
		t.Fatal("the commune's contact details are not on the home page")
	}
	found := browser.get("/c/" + slug + "/?q=terrasses")
	assertAccessible(t, found.Doc)
	if n := found.Doc.Find("#demarches .card").Length(); n != 1 || !strings.Contains(found.Doc.Find("#demarches").Text(), "occupation du domaine public") {
		t.Fatalf("search 'terrasses': %d results: %s", n, found.Doc.Find("#demarches").Text())
	}
	if found = browser.get("/c/" + slug + "/?q=lampad"); !strings.Contains(found.Doc.Find("#demarches").Text(), "dysfonctionnement") {
		t.Fatalf("search by a part of a word: %s", found.Doc.Find("#demarches").Text())
	}

	// The procedure's page; the e-mail first.
	proc := browser.get("/c/" + slug + "/demarches/occupation-domaine-public")
	assertAccessible(t, proc.Doc)
	if !strings.Contains(text(proc), "attestation d'assurance") {
		t.Fatalf("documents to have at hand are not listed: %s", text(proc))
	}
	bad := browser.post("/c/"+slug+"/demarches/occupation-domaine-public", url.Values{"email": {"claude@"}, "nom": {"Claude Dupont"}})
	assertAccessible(t, bad.Doc)
	if msg, invalid := fieldError(bad, "email"); bad.StatusCode != http.StatusUnprocessableEntity || !invalid || !strings.Contains(msg, "adresse e-mail valide") {
		t.Fatalf("invalid e-mail: %d %q", bad.StatusCode, msg)
	}
	if v := bad.Doc.Find("#nom").AttrOr("value", ""); v != "Claude Dupont" {
		t.Fatalf("name typed was lost: %q", v)
	}
	draftPath := startDraft(t, browser, slug, "occupation-domaine-public", "claude@exemple.fr")
	draft := browser.get(draftPath)
	assertAccessible(t, draft.Doc)
	d := a.onlyDemand(t)
	if d.State != workflow.Draft || d.CitizenName != "Claude Dupont" || !strings.Contains(text(draft), d.TrackingCode) {
		t.Fatalf("draft %+v; page: %s", d, text(draft))
	}
	if !strings.Contains(text(draft), "Votre brouillon est créé") {
		t.Fatalf("no confirmation flash: %s", text(draft))
	}
	started := mailTo(t, a.sendMail(), "claude@exemple.fr")
	if !strings.Contains(started.Text, d.TrackingCode) || pathOf(t, followLinkIn(t, started)) != draftPath {
		t.Fatalf("resume mail: %s", started.Text)
	}

	// Save part of the form, and resume it from the link, in another browser.
	_, values := demandForm(t, draft)
	values.Set("telephone", "06.12.34.56.78")
	values.Set("adresse", "3 rue de la Banne\n13100 Plassans")
	values.Set("nature", "Terrasse")
	saved := browser.postMultipart(draftPath+"/enregistrer", values, nil, false)
	if saved.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", saved.StatusCode, text(saved))
	}
	phone := a.client()
	resumed := phone.get(pathOf(t, followLinkIn(t, started)))
	assertAccessible(t, resumed.Doc)
	if v := resumed.Doc.Find("#champ-telephone").AttrOr("value", ""); v != "06 12 34 56 78" {
		t.Fatalf("resumed draft: telephone %q", v)
	}
	if v := resumed.Doc.Find("#champ-adresse").AttrOr("value", ""); v != "3 rue de la Banne, 13100 Plassans" {
		t.Fatalf("resumed draft: adresse %q", v)
	}
	if v := resumed.Doc.Find("#champ-nature option[selected]").AttrOr("value", ""); v != "Terrasse" {
		t.Fatalf("resumed draft: nature %q", v)
	}

	// Files, each on its own as soon as chosen (htmx), and one without JavaScript.
	up := phone.postMultipart(draftPath+"/pieces?champ=plan", nil, []upload{{"plan", "plan de situation.pdf", pdfFile(4000)}}, true)
	if up.StatusCode != http.StatusOK || up.Doc.Find("#champ-plan-bloc li").Length() != 1 || !strings.Contains(up.Body, "Fichier joint : « plan de situation.pdf »") {
		t.Fatalf("htmx upload: %d %s", up.StatusCode, up.Body)
	}
	up = phone.postMultipart(draftPath+"/pieces?champ=plan", nil, []upload{{"plan", "vue.png", pngFile()}}, true)
	if up.Doc.Find("#champ-plan-bloc li").Length() != 2 {
		t.Fatalf("second file: %s", up.Body)
	}
	up = phone.postMultipart(draftPath+"/pieces?champ=assurance", nil, []upload{{"assurance", "brouillon-assurance.pdf", pdfFile(3000)}}, true)
	if up.Doc.Find("#champ-assurance-bloc li").Length() != 1 {
		t.Fatalf("assurance: %s", up.Body)
	}
	// Without JavaScript the whole form comes along: what was typed is saved too.
	resumed = phone.get(draftPath)
	_, values = demandForm(t, resumed)
	values.Set("societe", "Café du Cours")
	noJS := phone.postMultipart(draftPath+"/pieces", values, []upload{{"assurance", "attestation-assurance.pdf", pdfFile(5000)}}, false)
	if noJS.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload without JavaScript: %d %s", noJS.StatusCode, text(noJS))
	}
	page := phone.follow(noJS)
	assertAccessible(t, page.Doc)
	if !strings.Contains(text(page), "Fichier joint : « attestation-assurance.pdf ». Brouillon enregistré.") ||
		page.Doc.Find("#champ-societe").AttrOr("value", "") != "Café du Cours" {
		t.Fatalf("after the no-JS upload: %s", text(page))
	}
	if n := page.Doc.Find("#champ-assurance-bloc li").Length(); n != 2 {
		t.Fatalf("assurance files: %d", n)
	}
	// Remove the draft of the insurance certificate.
	remove, ok := page.Doc.Find(`#champ-assurance-bloc li:contains("brouillon-assurance.pdf") button`).Attr("data-hx-post")
	if !ok {
		t.Fatal("no remove button")
	}
	gone := phone.postMultipart(remove, nil, nil, true)
	if gone.StatusCode != http.StatusOK || strings.Contains(gone.Doc.Find("ul").Text(), "brouillon-assurance.pdf") ||
		!strings.Contains(gone.Body, "Fichier retiré : « brouillon-assurance.pdf »") {
		t.Fatalf("remove: %d %s", gone.StatusCode, gone.Body)
	}
	atts, err := models.Attachments(ctx, a.DB, a.Commune.ID, d.ID)
	fixture.Must(t, err)
	if len(atts) != 3 {
		t.Fatalf("%d attachments, want 3", len(atts))
	}
	// A file can be downloaded, as a download, with its sniffed type.
	res, body := phone.download(draftPath + "/pieces/" + itoa(atts[0].ID))
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") || len(body) != 4000 {
		t.Fatalf("download: %d %v %d bytes", res.StatusCode, res.Header, len(body))
	}

	// Submitting with a missing date and a bad phone fails, and keeps everything.
	page = phone.get(draftPath)
	_, values = demandForm(t, page)
	values.Set("telephone", "06 12 34")
	values.Set("dates:debut", "2026-12-01")
	values.Set("surface", "12,5")
	values["engagements"] = []string{"Je m'engage à laisser le passage libre aux piétons", "Je m'engage à remettre les lieux en état"}
	failed := phone.postMultipart(draftPath+"/deposer", values, nil, false)
	assertAccessible(t, failed.Doc)
	if failed.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("incomplete submission: %d", failed.StatusCode)
	}
	if msg, invalid := fieldError(failed, "champ-telephone"); !invalid || !strings.Contains(msg, "numéro de téléphone valide") {
		t.Fatalf("phone error: %q", msg)
	}
	if msg, invalid := fieldError(failed, "champ-dates"); !invalid || msg != "Erreur : Renseignez la date de début et la date de fin de « Dates de l'occupation »." {
		t.Fatalf("missing date error: %q", msg)
	}
	if failed.Doc.Find(`.error-summary a[href="#champ-dates"]`).Length() != 1 {
		t.Fatal("the error summary does not link to the missing date")
	}
	kept := map[string]string{"#champ-telephone": "06 12 34", "#champ-dates": "2026-12-01", "#champ-surface": "12.5", "#champ-societe": "Café du Cours"}
	for sel, want := range kept {
		if got := failed.Doc.Find(sel).AttrOr("value", ""); got != want {
			t.Errorf("%s: %q kept, want %q", sel, got, want)
		}
	}
	if failed.Doc.Find("#champ-engagements[checked], #champ-engagements-2[checked]").Length() != 2 {
		t.Error("checked boxes were lost")
	}
	if failed.Doc.Find("#champ-plan-bloc li").Length() != 2 {
		t.Error("uploaded files are not listed after the failed submission")
	}
	if d = a.reload(t, d); d.State != workflow.Draft || d.Data["telephone"] != "06 12 34" {
		t.Fatalf("the failed submission's input was not saved in the draft: %+v", d.Data)
	}

	// Fixed, it is submitted; the confirmation names the reference.
	_, values = demandForm(t, failed)
	values.Set("telephone", "+33 6 12 34 56 78")
	values.Set("dates:fin", "15/12/2026")
	submitted := phone.postMultipart(draftPath+"/deposer", values, nil, false)
	if submitted.StatusCode != http.StatusSeeOther || !strings.HasSuffix(submitted.Header.Get("Location"), "/confirmation") {
		t.Fatalf("submit: %d %s", submitted.StatusCode, text(submitted))
	}
	confirm := phone.follow(submitted)
	assertAccessible(t, confirm.Doc)
	d = a.reload(t, d)
	if d.State != workflow.Submitted || !strings.Contains(text(confirm), d.Reference) || !strings.Contains(text(confirm), "claude@exemple.fr") {
		t.Fatalf("confirmation: %s", text(confirm))
	}
	if d.Data["dates"].(map[string]any)["fin"] != "2026-12-15" || d.Data["surface"] != 12.5 || d.Data["telephone"] != "+33 6 12 34 56 78" {
		t.Fatalf("submitted data: %#v", d.Data)
	}

	// The same submission again (double click, back button) creates nothing.
	again := phone.postMultipart(draftPath+"/deposer", values, nil, false)
	if again.StatusCode != http.StatusSeeOther || !strings.HasSuffix(again.Header.Get("Location"), "/confirmation") {
		t.Fatalf("double submission: %d %s", again.StatusCode, text(again))
	}
	hist, err := models.History(ctx, a.DB, a.Commune.ID, d.ID, false)
	fixture.Must(t, err)
	if len(hist) != 1 || a.reload(t, d).Version != d.Version {
		t.Fatalf("double submission left %d events", len(hist))
	}

	// The acknowledgement, through the SMTP exchange.
	msgs := a.sendMail()
	var acks int
	for _, m := range msgs {
		if strings.Contains(m.Subject, "bien reçue") {
			acks++
		}
	}
	ack := mailTo(t, msgs, "claude@exemple.fr")
	if acks != 1 {
		t.Fatalf("%d acknowledgements", acks)
	}
	for _, want := range []string{d.Reference, "Demande d'occupation du domaine public", "Reçue le : " + d.SubmittedAt.In(paris).Format("02/01/2006 à 15:04"),
		"Service en charge : Accueil", "Et maintenant ?", "récépissé"} {
		if !strings.Contains(ack.Text, want) {
			t.Errorf("acknowledgement lacks %q:\n%s", want, ack.Text)
		}
	}

	// Follow: status, public history, data, files, receipt.
	followPath := pathOf(t, followLinkIn(t, ack))
	follow := phone.get(followPath)
	assertAccessible(t, follow.Doc)
	for _, want := range []string{"En cours de vérification", "Demande déposée.", "3 rue de la Banne", "12,5", "15/12/2026", "plan de situation.pdf", "attestation-assurance.pdf"} {
		if !strings.Contains(text(follow), want) {
			t.Errorf("follow page lacks %q: %s", want, text(follow))
		}
	}
	if strings.Contains(text(follow), "brouillon-assurance.pdf") {
		t.Error("a removed file is still shown")
	}
	res, body = phone.download(followPath + "/recepisse.pdf")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(body), "%PDF-") {
		t.Fatalf("receipt: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}

	// The accueil asks for a correction; an internal note stays internal.
	fixture.Must(t, models.AddEvent(ctx, a.DB, &models.Event{CommuneID: a.Commune.ID, DemandID: d.ID, At: a.Clock.Now(), Kind: "note",
		ActorKind: workflow.KindAgent, ActorName: a.Accueil.Name, Channel: workflow.ChannelWeb, Message: "Note privée : client pénible", Visibility: models.Internal}))
	d = a.Apply(t, d, workflow.RequestCorrection, workflow.AgentActor(a.Accueil), workflow.Input{
		Message: "La surface semble fausse, et le plan est illisible.", Fields: []string{"surface", "plan"}})
	follow = phone.get(followPath)
	assertAccessible(t, follow.Doc)
	if strings.Contains(text(follow), "Note privée") {
		t.Fatal("an internal note is shown to the citizen")
	}
	if !strings.Contains(text(follow), "La surface semble fausse") || follow.Doc.Find(`.correction a[href="#champ-surface"]`).Length() != 1 {
		t.Fatalf("correction request not shown: %s", text(follow))
	}

	// The citizen corrects the surface, replaces the plan, and resubmits.
	vue, ok := follow.Doc.Find(`#champ-plan-bloc li:contains("vue.png") button`).Attr("data-hx-post")
	if !ok {
		t.Fatal("files cannot be removed during a correction")
	}
	if r := phone.postMultipart(vue, nil, nil, true); !strings.Contains(r.Body, "Fichier retiré") {
		t.Fatalf("remove during correction: %s", r.Body)
	}
	if r := phone.postMultipart(followPath+"/pieces?champ=plan", nil, []upload{{"plan", "plan-lisible.pdf", pdfFile(2000)}}, true); r.Doc.Find("li").Length() != 2 {
		t.Fatalf("upload during correction: %s", r.Body)
	}
	follow = phone.get(followPath)
	_, values = demandForm(t, follow)
	if values.Get("surface") != "12.5" {
		t.Fatalf("the correction form is not filled with the submitted data: %v", values)
	}
	values.Set("surface", "8")
	resub := phone.postMultipart(followPath+"/renvoyer", values, nil, false)
	if resub.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit: %d %s", resub.StatusCode, text(resub))
	}
	after := phone.follow(resub)
	assertAccessible(t, after.Doc)
	if d = a.reload(t, d); d.State != workflow.Submitted || !strings.Contains(text(after), "Demande corrigée et renvoyée.") {
		t.Fatalf("after resubmission: %s; %s", d.State, text(after))
	}
	// The accueil, which asked, is told; the citizen gets an acknowledgement.
	msgs = a.sendMail()
	toAccueil := mailTo(t, msgs, a.Accueil.Email)
	if toAccueil.Subject != "Demande "+d.Reference+" corrigée par l'usager" ||
		!strings.Contains(toAccueil.Text, "Réponses modifiées : Surface occupée (m²), Plan de situation.") ||
		!strings.Contains(toAccueil.Text, a.URL+"/gestion/demandes/"+itoa(d.ID)) {
		t.Fatalf("accueil on resubmission: %q\n%s", toAccueil.Subject, toAccueil.Text)
	}
	resubAck := mailTo(t, msgs, "claude@exemple.fr")
	if resubAck.Subject != "Demande "+d.Reference+" corrigée : bien reçue" ||
		!strings.Contains(resubAck.Text, "Nous avons bien reçu votre demande d'occupation du domaine public corrigée. Elle est de nouveau entre les mains de l'accueil de la mairie") {
		t.Fatalf("citizen on resubmission: %q\n%s", resubAck.Subject, resubAck.Text)
	}
	mustContain(t, phone.get(pathOf(t, followLinkIn(t, resubAck))), "En cours de vérification")
	hist, err = models.History(ctx, a.DB, a.Commune.ID, d.ID, false)
	fixture.Must(t, err)
	changes := hist[len(hist)-1].Details["changes"].([]any)
	if len(changes) != 2 {
		t.Fatalf("changes recorded: %v", changes)
	}
	plan, surface := changes[0].(map[string]any), changes[1].(map[string]any)
	if surface["field"] != "surface" || surface["old"] != 12.5 || surface["new"] != 8.0 ||
		plan["field"] != "plan" || !strings.Contains(fmtAny(plan["new"]), "plan-lisible.pdf") || !strings.Contains(fmtAny(plan["old"]), "vue.png") {
		t.Fatalf("changes recorded: %v", changes)
	}
}

// TestFileFieldsNameTheFormatsOnce: each file question of the demo's
// procedures says once, and truly, which formats are accepted.
func TestFileFieldsNameTheFormatsOnce(t *testing.T) {
	a := newApp(t)
	c := a.client()
	for slug, p := range a.demoProcedures() {
		r := c.get(startDraft(t, c, a.Commune.Slug, slug, "claude@exemple.fr"))
		mustStatus(t, r, http.StatusOK)
		fields := 0
		for _, f := range p.Form {
			if f.Type != "file" {
				continue
			}
			fields++
			block := strings.Join(strings.Fields(r.Doc.Find("#champ-"+f.Name+"-bloc").Text()), " ")
			if n := strings.Count(block, "Formats acceptés"); n != 1 || !strings.Contains(block, "Formats acceptés : "+files.AcceptedLabels()+".") {
				t.Errorf("%s, %s: formats named %d times: %q", slug, f.Name, n, block)
			}
		}
		if n := strings.Count(text(r), "Formats acceptés"); fields == 0 || n != fields {
			t.Errorf("%s: formats named %d times for %d file fields", slug, n, fields)
		}
	}
}
