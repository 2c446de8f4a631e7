package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"guichet/conversation"
	"guichet/fixture"
	"guichet/mail/mailtest"
	"guichet/models"
	"guichet/perm"
)

// The escalation to level 2 (issue 16, item 3), through the real router.

// referent is an agent with the accueil's rights and "Référent".
func (a *app) referent(t *testing.T, extra ...perm.Permission) *models.Agent {
	t.Helper()
	return a.NewAgent(t, "referent", a.NewProfile(t, "Référent", append(perm.Set{perm.See, perm.Decide, perm.Reply, perm.Escalate}, extra...)))
}

var level2LinkRe = regexp.MustCompile(`https?://\S+/niveau2/\S+`)

// level2LinkIn is the path of the level-2 link a mail carries.
func level2LinkIn(t *testing.T, m mailtest.Received) string {
	t.Helper()
	l := level2LinkRe.FindString(m.Text)
	if l == "" {
		t.Fatalf("no level-2 link in mail %q:\n%s", m.Subject, m.Text)
	}
	u, err := url.Parse(l)
	fixture.Must(t, err)
	return u.Path
}

// onlyMailTo is the one mail received at addr among ms.
func onlyMailTo(t *testing.T, ms []mailtest.Received, addr string) mailtest.Received {
	t.Helper()
	got := mailsTo(ms, addr)
	if len(got) != 1 {
		t.Fatalf("%d mails to %s, want 1", len(got), addr)
	}
	return got[0]
}

// mailSince sends the mail waiting and returns what arrived after the first n.
func (a *app) mailSince(n int) []mailtest.Received { return a.sendMail()[n:] }

func (a *app) escalations(t *testing.T) []models.Escalation {
	t.Helper()
	var es []models.Escalation
	fixture.Must(t, a.DB.NewSelect().Model(&es).Where("commune_id = ?", a.Commune.ID).Order("id").Scan(t.Context()))
	return es
}

// A referent escalates a conversation to a service of the commune: the
// reformulation is required (French error, what was typed kept); both
// mails go out; level 2 answers from its link; the citizen reads the answer
// like any reply, by e-mail and on their page; the link then gives nothing.
func TestAReferentEscalatesAConversationAndLevel2Answers(t *testing.T) {
	a := newApp(t)
	ref := a.referent(t)
	citizen := a.client()
	page := a.contact(citizen, "camille@exemple.fr", "Lampadaire", "Le lampadaire devant chez moi clignote depuis un mois.", nil)
	citizenPath := page.Request.URL.Path
	cv := a.onlyConversation(t)
	a.sendMail()

	c := a.signIn(ref)
	base := fmt.Sprintf("/gestion/messages/%d", cv.ID)
	show := c.get(base)
	mustStatus(t, show, http.StatusOK)
	if show.Doc.Find(`summary:contains("Escalader au niveau 2")`).Length() != 1 {
		t.Fatal("a referent does not see « Escalader au niveau 2 »")
	}
	voirie := fmt.Sprint(a.Voirie.ID)
	r := c.post(base+"/escalade", url.Values{"niveau2": {voirie}, "reformulation": {"  "}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Reformulez le problème pour le niveau 2")
	if v, _ := r.Doc.Find(`#escalade-niveau2 option[selected]`).Attr("value"); v != voirie {
		t.Errorf("the level 2 chosen was not kept: %q", v)
	}
	if len(a.escalations(t)) != 0 {
		t.Fatal("a refused escalation was stored")
	}

	problem := "Lampadaire rue Haute qui clignote : signalé deux fois, le prestataire ne répond pas."
	before := len(a.sendMail())
	r = c.post(base+"/escalade", url.Values{"niveau2": {voirie}, "reformulation": {problem}})
	mustStatus(t, r, http.StatusSeeOther)
	show = c.follow(r)
	mustContain(t, show, "Escaladée au niveau 2")
	if show.Doc.Find(`summary:contains("Escalader au niveau 2")`).Length() != 0 {
		t.Error("the form to escalate is still offered while an escalation is open")
	}
	again := c.post(base+"/escalade", url.Values{"niveau2": {voirie}, "reformulation": {"encore"}})
	mustStatus(t, again, http.StatusConflict)
	mustContain(t, again, "déjà escaladée")

	ms := a.mailSince(before)
	before += len(ms)
	notice := onlyMailTo(t, ms, a.Voirie.Email)
	if !strings.Contains(notice.Subject, "Escalade au niveau 2 : Lampadaire") || !strings.Contains(notice.Text, problem) ||
		!strings.Contains(notice.Text, ref.Name+", référent de la mairie de "+a.Commune.Name) {
		t.Errorf("level 2's notice:\n%s\n%s", notice.Subject, notice.Text)
	}
	confirm := onlyMailTo(t, ms, ref.Email)
	if !strings.Contains(confirm.Subject, "Escalade envoyée : Lampadaire") || !strings.Contains(confirm.Text, "Vous avez escaladé cette demande au niveau 2 : voirie") ||
		!strings.Contains(confirm.Text, problem) || level2LinkRe.MatchString(confirm.Text) {
		t.Errorf("the referent's confirmation (no level-2 link in it):\n%s\n%s", confirm.Subject, confirm.Text)
	}

	level2 := a.client()
	link := level2LinkIn(t, notice)
	lp := level2.get(link)
	mustStatus(t, lp, http.StatusOK)
	mustContain(t, lp, problem)
	mustContain(t, lp, "Le lampadaire devant chez moi clignote")
	r = level2.post(link+"/repondre", url.Values{"message": {""}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if lp := text(r); !strings.Contains(lp, problem) {
		t.Errorf("a refused answer lost the page: %s", lp)
	}
	answer := "Le prestataire interviendra jeudi matin : le lampadaire sera remplacé."
	r = level2.post(link+"/repondre", url.Values{"message": {answer}})
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Votre réponse a été envoyée à l'usager")

	ms = a.mailSince(before)
	toCitizen := mailsTo(ms, "camille@exemple.fr")
	if len(toCitizen) == 0 || !strings.Contains(toCitizen[len(toCitizen)-1].Text, answer) {
		t.Errorf("the citizen was not mailed the answer: %d mails", len(toCitizen))
	}
	if m := mailsTo(ms, ref.Email); len(m) != 1 || !strings.Contains(m[0].Subject, "Le niveau 2 a répondu") {
		t.Errorf("the referent was not told of the answer: %d mails", len(m))
	}
	mustContain(t, citizen.get(citizenPath), answer)

	gone := a.client().get(link)
	mustStatus(t, gone, http.StatusGone)
	if strings.Contains(text(gone), problem) || strings.Contains(text(gone), "clignote") {
		t.Errorf("an ended escalation's link still shows it: %s", text(gone))
	}
	mustStatus(t, a.client().post(link+"/repondre", url.Values{"message": {"Encore"}}), http.StatusGone)

	hist := text(c.get(base))
	for _, want := range []string{"Escaladée au niveau 2 (voirie) : « " + problem + " »", "Le niveau 2 (voirie) a répondu à l'usager"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	if es := a.escalations(t); len(es) != 1 || es[0].Status != models.EscalationAnswered || es[0].EndedAt == nil {
		t.Errorf("escalations: %+v", es)
	}
}

// A non-referent sees no button, and their POST is refused in French.
func TestANonReferentCannotEscalate(t *testing.T) {
	a := newApp(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Poubelles", "Rien ramassé.")
	c := a.signIn(a.Accueil)
	base := fmt.Sprintf("/gestion/messages/%d", cv.ID)
	if strings.Contains(c.get(base).Body, "Escalader au niveau 2") {
		t.Error("a non-referent is offered to escalate")
	}
	r := c.post(base+"/escalade", url.Values{"niveau2": {fmt.Sprint(a.Voirie.ID)}, "reformulation": {"Difficile"}})
	mustStatus(t, r, http.StatusForbidden)
	mustContain(t, r, "Escalader au niveau 2 demande la permission « Référent »")

	d := a.DemandAt(t, fixture.AtSubmitted)
	page := c.get(fmt.Sprintf("/gestion/demandes/%d", d.ID))
	mustStatus(t, page, http.StatusOK)
	if strings.Contains(page.Body, "Escalader au niveau 2") {
		t.Error("a non-referent is offered to escalate a demand")
	}
	r = c.post(fmt.Sprintf("/gestion/demandes/%d/escalade", d.ID), url.Values{"niveau2": {"externe"}, "niveau2_email": {"n2@ailleurs.fr"}, "niveau2_nom": {"N2"}, "reformulation": {"Difficile"}})
	mustStatus(t, r, http.StatusForbidden)
	if len(a.escalations(t)) != 0 || len(mailsTo(a.sendMail(), "n2@ailleurs.fr")) != 0 {
		t.Error("a refused escalation was stored or mailed")
	}
}

// An outside team, reached by e-mail, sends the demand back with a note
// (required): the referent reads it by mail and in the history, and the
// link gives nothing any more.
func TestAnOutsideLevel2SendsADemandBack(t *testing.T) {
	a := newApp(t)
	ref := a.referent(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	c := a.signIn(ref)
	base := fmt.Sprintf("/gestion/demandes/%d", d.ID)
	r := c.post(base+"/escalade", url.Values{"niveau2": {"externe"}, "niveau2_email": {"pas une adresse"}, "niveau2_nom": {""}, "reformulation": {"Question de droit"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if v, _ := r.Doc.Find("#escalade-niveau2_email").Attr("value"); v != "pas une adresse" {
		t.Errorf("the address typed was not kept: %q", v)
	}
	if r.Doc.Find(`#escalade-reformulation`).Text() != "Question de droit" {
		t.Error("the reformulation typed was not kept")
	}
	before := len(a.sendMail())
	r = c.post(base+"/escalade", url.Values{"niveau2": {"externe"}, "niveau2_email": {"support@interco.fr"}, "niveau2_nom": {"Support de l'intercommunalité"}, "reformulation": {"Question de droit des sols"}})
	mustStatus(t, r, http.StatusSeeOther)
	ms := a.mailSince(before)
	before += len(ms)
	link := level2LinkIn(t, onlyMailTo(t, ms, "support@interco.fr"))
	onlyMailTo(t, ms, ref.Email)

	l2 := a.client()
	mustContain(t, l2.get(link), "Question de droit des sols")
	r = l2.post(link+"/renvoyer", url.Values{"note": {" "}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Dites au référent pourquoi vous la renvoyez")
	r = l2.post(link+"/renvoyer", url.Values{"note": {"Relève de l'urbanisme de la commune."}})
	mustStatus(t, r, http.StatusOK)
	back := onlyMailTo(t, a.mailSince(before), ref.Email)
	if !strings.Contains(back.Subject, "Escalade renvoyée par le niveau 2") || !strings.Contains(back.Text, "Relève de l'urbanisme de la commune.") {
		t.Errorf("the referent's mail:\n%s\n%s", back.Subject, back.Text)
	}
	mustContain(t, c.get(base), "Renvoyée par le niveau 2 (Support de l'intercommunalité) : « Relève de l'urbanisme de la commune. »")
	mustStatus(t, l2.get(link), http.StatusGone)
	if n := a.count("conversations"); n != 0 {
		t.Errorf("sending back wrote to the citizen: %d conversations", n)
	}
}

// A level-2 answer on a demand opens its conversation with the citizen.
func TestLevel2AnswersADemandInItsConversation(t *testing.T) {
	a := newApp(t)
	ref := a.referent(t)
	d := a.DemandAt(t, fixture.AtSubmitted)
	c := a.signIn(ref)
	mustStatus(t, c.post(fmt.Sprintf("/gestion/demandes/%d/escalade", d.ID), url.Values{"niveau2": {fmt.Sprint(a.Urbanisme.ID)}, "reformulation": {"Permis ?"}}), http.StatusSeeOther)
	link := level2LinkIn(t, onlyMailTo(t, a.sendMail(), a.Urbanisme.Email))
	mustStatus(t, a.client().post(link+"/repondre", url.Values{"message": {"Votre projet relève d'une déclaration préalable."}}), http.StatusOK)
	cv := a.onlyConversation(t)
	if cv.DemandID == nil || *cv.DemandID != d.ID {
		t.Fatalf("the answer's conversation is not the demand's: %+v", cv)
	}
	mailed := mailsTo(a.sendMail(), d.CitizenEmail)
	if len(mailed) == 0 || !strings.Contains(mailed[len(mailed)-1].Text, "Votre projet relève d'une déclaration préalable.") {
		t.Errorf("the citizen was not mailed the answer")
	}
	mustContain(t, a.client().get(conversationLinkIn(t, mailed[len(mailed)-1])), "Votre projet relève d'une déclaration préalable.")
}

// When the referent's profile replies only through validation, level 2's
// answer waits in "À valider": nothing reaches the citizen before.
func TestLevel2AnswerWaitsForValidation(t *testing.T) {
	a := newApp(t)
	ref := a.NewAgent(t, "referent", a.NewProfile(t, "Référent sous validation", perm.Set{perm.See, perm.ReplyValidated, perm.Escalate}))
	cv := a.openConversation(t, "camille@exemple.fr", "Eau", "Coupure d'eau.")
	a.sendMail()
	c := a.signIn(ref)
	mustStatus(t, c.post(fmt.Sprintf("/gestion/messages/%d/escalade", cv.ID), url.Values{"niveau2": {fmt.Sprint(a.Voirie.ID)}, "reformulation": {"Coupure"}}), http.StatusSeeOther)
	link := level2LinkIn(t, onlyMailTo(t, a.sendMail(), a.Voirie.Email))
	r := a.client().post(link+"/repondre", url.Values{"message": {"Réparation demain."}})
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "une fois validée par la mairie")
	if n := len(mailsTo(a.sendMail(), "camille@exemple.fr")); n != 1 {
		t.Errorf("%d mails to the citizen, want only the opening's", n)
	}
	held, err := models.PendingReplies(t.Context(), a.DB, a.Commune.ID, cv.ID)
	fixture.Must(t, err)
	if len(held) != 1 || held[0].Body != "Réparation demain." || held[0].AuthorID != ref.ID {
		t.Fatalf("held replies: %+v", held)
	}
	sup := a.signIn(a.Supervisor)
	mustStatus(t, sup.post(fmt.Sprintf("/gestion/messages/%d/a-valider/%d/envoyer", cv.ID, held[0].ID),
		url.Values{"version": {fmt.Sprint(held[0].Version)}, "message": {held[0].Body}}), http.StatusSeeOther)
	if m := mailsTo(a.sendMail(), "camille@exemple.fr"); len(m) != 2 || !strings.Contains(m[1].Text, "Réparation demain.") {
		t.Errorf("the validated answer did not reach the citizen")
	}
}

// A referent withdraws an escalation: its link gives nothing any more. A
// service's "Révoquer tous les liens" revokes it too.
func TestRevokedEscalationLinksGiveNothing(t *testing.T) {
	a := newApp(t)
	ref := a.referent(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Bruit", "Travaux la nuit.")
	c := a.signIn(ref)
	base := fmt.Sprintf("/gestion/messages/%d", cv.ID)
	mustStatus(t, c.post(base+"/escalade", url.Values{"niveau2": {"externe"}, "niveau2_email": {"n2@ailleurs.fr"}, "niveau2_nom": {"N2"}, "reformulation": {"Bruit"}}), http.StatusSeeOther)
	link := level2LinkIn(t, onlyMailTo(t, a.sendMail(), "n2@ailleurs.fr"))
	mustStatus(t, a.client().get(link), http.StatusOK)
	e := a.escalations(t)[0]
	mustStatus(t, c.post(fmt.Sprintf("%s/escalade/%d/retirer", base, e.ID), url.Values{}), http.StatusSeeOther)
	r := a.client().get(link)
	mustStatus(t, r, http.StatusGone)
	if strings.Contains(text(r), "Bruit") {
		t.Error("a revoked link shows the escalation")
	}
	mustContain(t, c.get(base), "Escalade au niveau 2 (N2) retirée")
	mustStatus(t, a.client().post(link+"/renvoyer", url.Values{"note": {"x"}}), http.StatusGone)

	mustStatus(t, c.post(base+"/escalade", url.Values{"niveau2": {fmt.Sprint(a.Voirie.ID)}, "reformulation": {"Bruit encore"}}), http.StatusSeeOther)
	link = level2LinkIn(t, onlyMailTo(t, a.sendMail(), a.Voirie.Email))
	a.exec("UPDATE services SET link_epoch = link_epoch + 1 WHERE id = ?", a.Voirie.ID)
	mustStatus(t, a.client().get(link), http.StatusGone)
}

// Another commune's agent, referent or not, gets nothing: neither the
// conversation nor the demand, and a level-2 link under its slug is refused.
func TestAnotherCommunesReferentGetsNothing(t *testing.T) {
	a := newApp(t)
	ref := a.referent(t)
	cv := a.openConversation(t, "camille@exemple.fr", "Voirie", "Trou.")
	d := a.DemandAt(t, fixture.AtSubmitted)
	other := fixture.NewWorld(t, a.DB)
	stranger := other.NewAgent(t, "referent", other.NewProfile(t, "Référent", perm.Set{perm.See, perm.Reply, perm.Escalate}))
	oc := a.signIn(stranger)
	mustStatus(t, oc.post(fmt.Sprintf("/gestion/messages/%d/escalade", cv.ID), url.Values{"niveau2": {"externe"}, "niveau2_email": {"x@y.fr"}, "niveau2_nom": {"X"}, "reformulation": {"x"}}), http.StatusNotFound)
	mustStatus(t, oc.post(fmt.Sprintf("/gestion/demandes/%d/escalade", d.ID), url.Values{"niveau2": {"externe"}, "niveau2_email": {"x@y.fr"}, "niveau2_nom": {"X"}, "reformulation": {"x"}}), http.StatusNotFound)
	// Its own conversation, escalated to the first commune's service: refused.
	ocv, _, err := a.App.Conversations.Open(t.Context(), other.Commune, conversation.Citizen(other.Commune.ID, "Dominique"),
		conversation.OpenInput{Subject: "Ailleurs", Email: "dominique@exemple.fr", Name: "Dominique", Client: "ailleurs", Message: conversation.MessageInput{Body: "Bonjour"}})
	fixture.Must(t, err)
	r := oc.post(fmt.Sprintf("/gestion/messages/%d/escalade", ocv.ID), url.Values{"niveau2": {fmt.Sprint(a.Voirie.ID)}, "reformulation": {"x"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Choisissez le niveau 2 dans la liste")

	c := a.signIn(ref)
	mustStatus(t, c.post(fmt.Sprintf("/gestion/messages/%d/escalade", cv.ID), url.Values{"niveau2": {"externe"}, "niveau2_email": {"n2@ailleurs.fr"}, "niveau2_nom": {"N2"}, "reformulation": {"Trou"}}), http.StatusSeeOther)
	link := level2LinkIn(t, onlyMailTo(t, a.sendMail(), "n2@ailleurs.fr"))
	elsewhere := strings.Replace(link, "/c/"+a.Commune.Slug+"/", "/c/"+other.Commune.Slug+"/", 1)
	mustStatus(t, a.client().get(elsewhere), http.StatusForbidden)
	mustStatus(t, a.client().post(elsewhere+"/repondre", url.Values{"message": {"x"}}), http.StatusForbidden)
	if es := a.escalations(t); len(es) != 1 || es[0].Status != models.EscalationOpen {
		t.Errorf("escalations: %+v", es)
	}
}
