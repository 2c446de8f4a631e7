package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"guichet/fixture"
	"guichet/models"
	"guichet/satisfaction"
)

// An experience goes from the public form through moderation (personal
// data flagged), to the service's answer held for validation, to its
// publication, the author's rating and an improvement; nothing shows on
// the public page before it is published, and the author is mailed at
// each step.
func TestAnExperienceGoesThroughModerationAnswerAndRating(t *testing.T) {
	a := newApp(t)
	pub := "/c/" + a.Commune.Slug + "/avis"
	cit := a.client()
	page := cit.get(pub)
	mustStatus(t, page, http.StatusOK)

	bad := cit.post(pub, url.Values{"experience": {"Trop court."}, "email": {"pas-une-adresse"}})
	mustStatus(t, bad, http.StatusUnprocessableEntity)
	if bad.Doc.Find("textarea#experience").Text() != "Trop court." || bad.Doc.Find("input#email").AttrOr("value", "") != "pas-une-adresse" ||
		!strings.Contains(text(bad), "votre expérience") {
		t.Errorf("bad experience: want French messages and the input kept: %s", text(bad))
	}
	body := "Mme Lantier à l'accueil m'a très bien reçu ; joignez-moi au 06 12 34 56 78."
	mustStatus(t, cit.post(pub, url.Values{"experience": {body}, "email": {"auteur@exemple.fr"}, "service": {itoa(a.Voirie.ID)}}), http.StatusSeeOther)
	var x models.Experience
	fixture.Must(t, a.DB.NewSelect().Model(&x).Where("commune_id = ?", a.Commune.ID).Scan(t.Context()))
	if strings.Contains(cit.get(pub).Body, "Lantier") {
		t.Fatal("an experience shows before moderation")
	}
	if m := mailTo(t, a.sendMail(), "auteur@exemple.fr"); !strings.Contains(m.Subject, "bien reçu") {
		t.Errorf("author's first mail: %q", m.Subject)
	}

	// The accueil agent does not moderate; the supervisor sees the flags.
	mustStatus(t, a.signIn(a.Accueil).get("/gestion/supervision/avis"), http.StatusForbidden)
	sup := a.signIn(a.Supervisor)
	show := sup.get("/gestion/supervision/avis/" + itoa(x.ID))
	mustStatus(t, show, http.StatusOK)
	flags := show.Doc.Find("ul.personal-data").Text()
	if !strings.Contains(flags, "Nom : Lantier") || !strings.Contains(flags, "Numéro de téléphone : 06 12 34 56 78") {
		t.Errorf("personal data flagged: %q", flags)
	}
	noService := sup.post("/gestion/supervision/avis/"+itoa(x.ID)+"/moderation", url.Values{"action": {"publier"}})
	mustStatus(t, noService, http.StatusUnprocessableEntity)
	mustStatus(t, sup.post("/gestion/supervision/avis/"+itoa(x.ID)+"/moderation", url.Values{"action": {"publier"}, "service": {itoa(a.Voirie.ID)}}), http.StatusSeeOther)
	mails := a.sendMail()
	if m := mailTo(t, mails, "auteur@exemple.fr"); !strings.Contains(m.Subject, "publié") {
		t.Errorf("author's mail at publication: %q", m.Subject)
	}
	link := linkIn(t, mailTo(t, mails, a.Voirie.Email), "/service/avis/")
	if !strings.Contains(cit.get(pub).Body, "Lantier") {
		t.Error("a published experience is not on the public page")
	}

	// The service answers from its link; the answer waits for validation.
	svc := a.client()
	mustStatus(t, svc.get(link), http.StatusOK)
	mustStatus(t, svc.post(pathOf(t, link)+"/reponse", url.Values{"reponse": {"court"}}), http.StatusUnprocessableEntity)
	mustStatus(t, svc.post(pathOf(t, link)+"/reponse", url.Values{"nom": {"Paul"}, "reponse": {"Merci, nous transmettons vos compliments."}}), http.StatusSeeOther)
	if strings.Contains(cit.get(pub).Body, "transmettons vos compliments") {
		t.Fatal("an answer shows before validation")
	}
	mustStatus(t, sup.post("/gestion/supervision/avis/"+itoa(x.ID)+"/validation", url.Values{"reponse": {"Merci, nous transmettons vos compliments à l'équipe."}}), http.StatusSeeOther)
	if !strings.Contains(cit.get(pub).Body, "transmettons vos compliments à l&#39;équipe") {
		t.Errorf("validated answer not public: %s", text(cit.get(pub)))
	}
	rate := linkIn(t, mailTo(t, a.sendMail(), "auteur@exemple.fr"), "/evaluer/")
	mustStatus(t, cit.post(pathOf(t, rate), url.Values{"note": {"5"}}), http.StatusSeeOther)
	if !strings.Contains(text(cit.get(pub)), "5/5") {
		t.Errorf("the author's rating is not shown: %s", text(cit.get(pub)))
	}
	mustStatus(t, svc.post(pathOf(t, link)+"/amelioration", url.Values{"reponse": {"Un accueil sans rendez-vous le samedi matin."}}), http.StatusSeeOther)
	if !strings.Contains(text(cit.get(pub)), "Un accueil sans rendez-vous le samedi matin.") {
		t.Error("the improvement is not public")
	}
	if m := mailTo(t, a.sendMail(), "auteur@exemple.fr"); !strings.Contains(m.Subject, "amélioration") {
		t.Errorf("author's mail at improvement: %q", m.Subject)
	}
}

// A refused experience is never public, and a service never sees the
// moderation queue: no link reaches an experience not published to it,
// and a rerouted one closes the old service's link.
func TestARefusedExperienceIsNeverPublicAndServicesDoNotModerate(t *testing.T) {
	a := newApp(t)
	pub := "/c/" + a.Commune.Slug + "/avis"
	refused := postExperience(t, a, "Un texte injurieux envers le service des eaux.")
	pending := postExperience(t, a, "Le service de la voirie n'a jamais répondu.")
	sup := a.signIn(a.Supervisor)
	none := sup.post("/gestion/supervision/avis/"+itoa(refused.ID)+"/moderation", url.Values{"action": {"refuser"}})
	mustStatus(t, none, http.StatusUnprocessableEntity)
	mustStatus(t, sup.post("/gestion/supervision/avis/"+itoa(refused.ID)+"/moderation", url.Values{"action": {"refuser"}, "motif": {"insults"}}), http.StatusSeeOther)
	if m := mailTo(t, a.sendMail(), "auteur@exemple.fr"); !strings.Contains(m.Text, "Propos injurieux") {
		t.Errorf("refusal mail lacks the reason: %q", m.Text)
	}
	// Publishing a refused one is refused too.
	mustStatus(t, sup.post("/gestion/supervision/avis/"+itoa(refused.ID)+"/moderation", url.Values{"action": {"publier"}, "service": {itoa(a.Voirie.ID)}}), http.StatusConflict)
	if body := a.client().get(pub).Body; strings.Contains(body, "injurieux") || strings.Contains(body, "jamais répondu") {
		t.Error("a refused or pending experience is public")
	}
	// A link signed for a pending experience opens nothing.
	x := *pending
	x.ServiceID = &a.Voirie.ID
	u, err := a.Notifier.ExperienceURL(a.Commune, a.Voirie, &x)
	fixture.Must(t, err)
	mustStatus(t, a.client().get(u), http.StatusNotFound)
	// Rerouted, the first service's link closes, the second's opens.
	mustStatus(t, sup.post("/gestion/supervision/avis/"+itoa(pending.ID)+"/moderation", url.Values{"action": {"publier"}, "service": {itoa(a.Voirie.ID)}}), http.StatusSeeOther)
	first := experienceLink(t, a, pending)
	mustStatus(t, sup.post("/gestion/supervision/avis/"+itoa(pending.ID)+"/moderation", url.Values{"action": {"reorienter"}, "service": {itoa(a.Urbanisme.ID)}}), http.StatusSeeOther)
	mustStatus(t, a.client().get(first), http.StatusNotFound)
	second := linkIn(t, mailTo(t, a.sendMail(), a.Urbanisme.Email), "/service/avis/")
	mustStatus(t, a.client().get(second), http.StatusOK)
	// Another commune's address with this commune's link opens nothing.
	other := fixture.NewWorld(t, a.DB)
	mustStatus(t, a.client().get("/c/"+other.Commune.Slug+"/service/avis/"+tokenOf(second)), http.StatusNotFound)
}

// "Je donne mon avis" mails its author at each step, so it is
// limited per address and per client: the refusal is a French 429 with
// what was typed kept, nothing stored nor mailed; an hour later the
// address may post again.
func TestExperiencesAreRateLimited(t *testing.T) {
	a := newApp(t)
	pub := "/c/" + a.Commune.Slug + "/avis"
	c := a.client()
	body := "Le service de la voirie a réparé le trottoir en deux jours, merci."
	post := func(email string) *response {
		return c.post(pub, url.Values{"experience": {body}, "email": {email}, "service": {itoa(a.Voirie.ID)}})
	}
	refused := func(r *response, email, says string) {
		t.Helper()
		msg, invalid := fieldError(r, "email")
		if r.StatusCode != http.StatusTooManyRequests || !invalid || !strings.Contains(msg, says) || !strings.Contains(msg, "réessayez dans une heure") {
			t.Errorf("want a 429 saying %q, got %d %q", says, r.StatusCode, msg)
		}
		if r.Doc.Find("textarea#experience").Text() != body || r.Doc.Find("input#email").AttrOr("value", "") != email ||
			r.Doc.Find(`select#service option[selected]`).AttrOr("value", "") != itoa(a.Voirie.ID) {
			t.Errorf("what was typed is lost: %s", text(r))
		}
	}
	stored := func() int { return a.count("experiences") }

	for i := range satisfaction.PostPerAddress {
		mustStatus(t, post("auteur@exemple.fr"), http.StatusSeeOther)
		if n := stored(); n != i+1 {
			t.Fatalf("%d experiences after %d posts", n, i+1)
		}
	}
	mailed := len(a.sendMail())
	refused(post("Auteur@Exemple.fr"), "Auteur@Exemple.fr", "depuis cette adresse e-mail")
	if n := stored(); n != satisfaction.PostPerAddress {
		t.Errorf("%d experiences stored, want %d", n, satisfaction.PostPerAddress)
	}
	if ms := a.sendMail(); len(ms) != mailed {
		t.Errorf("a refused experience mailed %d times", len(ms)-mailed)
	}

	// Other addresses from the same client, up to its share.
	for i := satisfaction.PostPerAddress; i < satisfaction.PostPerClient; i++ {
		mustStatus(t, post("personne"+itoa(int64(i))+"@exemple.fr"), http.StatusSeeOther)
	}
	refused(post("encore@exemple.fr"), "encore@exemple.fr", "depuis votre connexion")
	if n := stored(); n != satisfaction.PostPerClient {
		t.Errorf("%d experiences stored, want %d", n, satisfaction.PostPerClient)
	}

	a.Clock.Advance(time.Hour)
	mustStatus(t, post("auteur@exemple.fr"), http.StatusSeeOther)
}
