package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/calendar"
	"guichet/conversation"
	"guichet/fixture"
	"guichet/models"
	"guichet/retention"
	"guichet/satisfaction"
	"guichet/workflow"
)

// publishedExperience is an experience email posted, published to the
// voirie, answered (the answer validated), rated with a comment and given
// an improvement.
func publishedExperience(t *testing.T, a *app, email, body, answer string) *models.Experience {
	t.Helper()
	ctx := t.Context()
	s := a.App.Server.Base.Satisfaction
	x, err := s.Post(ctx, a.Commune, satisfaction.PostInput{Body: body, Email: email})
	fixture.Must(t, err)
	sup := workflow.AgentActor(a.Supervisor)
	_, err = s.Moderate(ctx, sup, x.ID, satisfaction.ModerateInput{Action: satisfaction.Publish, ServiceID: a.Voirie.ID})
	fixture.Must(t, err)
	acc, err := s.CheckServiceLink(ctx, a.Commune, tokenOf(experienceLink(t, a, x)))
	fixture.Must(t, err)
	fixture.Must(t, s.Answer(ctx, acc, satisfaction.AnswerInput{Text: answer}))
	fixture.Must(t, s.ValidateAnswer(ctx, sup, x.ID, answer))
	fixture.Must(t, s.Improve(ctx, acc, satisfaction.AnswerInput{Text: "Amélioration suivant l'avis : " + answer}))
	a.exec("UPDATE ratings SET score = 4, rated_at = now(), comment = ? WHERE experience_id = ?", "Commentaire : "+body, x.ID)
	a.sendMail()
	cur, err := models.ExperienceByID(ctx, a.DB, a.Commune.ID, x.ID)
	fixture.Must(t, err)
	return cur
}

// bounceMail makes the commune receive a bounce (a null return path)
// whose From is email, to a conversation's reply address: it joins no
// conversation.
func bounceMail(t *testing.T, a *app, email, subject, body string) *models.InboundMessage {
	t.Helper()
	ctx := t.Context()
	cv, _, err := a.App.Conversations.Open(ctx, a.Commune, conversation.Citizen(a.Commune.ID, "Quelqu'un d'autre"), conversation.OpenInput{
		Subject: "Autre sujet", Email: "quelquun.autre@exemple.fr", Name: "Quelqu'un d'autre", Client: "198.51.100.9", Message: conversation.MessageInput{Body: "Bonjour."}})
	fixture.Must(t, err)
	reply, err := a.Notifier.ReplyAddress(a.Commune, cv)
	fixture.Must(t, err)
	raw := "From: " + email + "\r\nTo: " + reply + "\r\nSubject: " + subject + "\r\nMessage-ID: <bounce-" + itoa(cv.ID) + "@exemple.fr>\r\n\r\n" + body + "\r\n"
	fixture.Must(t, a.App.Inbound.Receive(ctx, "", []string{reply}, strings.NewReader(raw)))
	var m models.InboundMessage
	fixture.Must(t, a.DB.NewSelect().Model(&m).Where("commune_id = ? AND message_id = ?", a.Commune.ID, "bounce-"+itoa(cv.ID)+"@exemple.fr").Scan(ctx))
	if m.Status != models.InboundBounce || m.ConversationID != nil || m.ConversationMessageID != nil {
		t.Fatalf("the mail is %s, in conversation %v: want a bounce, in none", m.Status, m.ConversationID)
	}
	return &m
}

// chunks counts a mail's stored raw chunks.
func (a *app) chunks(t *testing.T, m *models.InboundMessage) int {
	t.Helper()
	var n int
	fixture.Must(t, a.DB.NewRaw("SELECT count(*) FROM inbound_chunks WHERE commune_id = ? AND inbound_id = ?", m.CommuneID, m.ID).Scan(t.Context(), &n))
	return n
}

// TestMailsWithoutAConversationExpireOnTheirDay: a mail received that no
// conversation took is kept the commune's months for conversations
// without a demand after its receipt: listed in the forecast, described on
// the personal data page, there the day before and erased (texts and raw
// chunks) on its day, with its reason.
func TestMailsWithoutAConversationExpireOnTheirDay(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	fixture.Must(t, models.SetRetention(ctx, a.DB, a.Commune.ID, map[int64]int{a.Procedure.ID: 12}, 2))
	m := bounceMail(t, a, "gaspard.tellier@exemple.fr", "Sujet cornemusard", "Texte cornemusard de Gaspard.")
	if a.chunks(t, m) == 0 {
		t.Fatal("no raw chunk stored")
	}
	day := calendar.DateOf(m.ReceivedAt).AddMonths(2)

	a.Clock.Set(day.AddDays(-10).At(9, 0))
	forecast := a.signIn(a.Supervisor).get("/gestion/supervision/conservation")
	mustStatus(t, forecast, http.StatusOK)
	assertAccessible(t, forecast.Doc)
	mustContain(t, forecast, "Courriel n° "+itoa(m.ID))
	mustContain(t, forecast, "Courriel reçu sans conversation")
	row := forecast.Doc.Find("tbody tr th:contains('" + day.French() + "')").Parent().Find("td").Last().Text()
	if row != "1" {
		t.Errorf("mails counted on %s: %q", day.French(), row)
	}
	duties := text(a.client().get("/c/" + a.Commune.Slug + "/donnees-personnelles"))
	if !strings.Contains(duties, "Courriels reçus sans conversation (retours d'erreur, expéditeurs refusés)2 mois après leur réception") {
		t.Errorf("the personal data page does not tell the mails' retention: %s", duties)
	}
	mustContain(t, forecast, "sont effacés 2 mois après leur réception.")

	a.runRetention(t, day.AddDays(-1).At(23, 30))
	kept, err := models.InboundByID(ctx, a.DB, a.Commune.ID, m.ID)
	fixture.Must(t, err)
	if kept.AnonymisedAt != nil || kept.Subject != "Sujet cornemusard" || a.chunks(t, m) == 0 {
		t.Fatalf("erased a day early: %+v", kept)
	}
	a.runRetention(t, day.At(0, 30))
	gone, err := models.InboundByID(ctx, a.DB, a.Commune.ID, m.ID)
	fixture.Must(t, err)
	if gone.AnonymisedAt == nil || gone.AnonymisedReason != retention.ReasonExpiry || gone.Subject != "" || gone.Sender != "" || gone.EnvelopeFrom != "" || gone.MessageID != "" {
		t.Errorf("not erased on its day: %+v", gone)
	}
	if n := a.chunks(t, m); n != 0 {
		t.Errorf("%d raw chunks left", n)
	}
	if gone.Status != models.InboundBounce || gone.Size != m.Size || !gone.ReceivedAt.Equal(m.ReceivedAt) {
		t.Errorf("what is counted changed: %+v", gone)
	}
	if strings.Contains(a.signIn(a.Supervisor).get("/gestion/supervision/courriels").Body, "Courriel n° "+itoa(m.ID)) {
		t.Error("the erased mail is still listed")
	}
	mustStatus(t, a.signIn(a.Supervisor).get("/gestion/supervision/courriels"), http.StatusOK)
}

// TestAnErasedExperienceLeavesThePublicPage: erased on its author's
// request, a published experience's text, answer and improvement leave the
// public page and the moderation, its author's address and its rating's
// comment are erased, the score stays; the reason is recorded.
func TestAnErasedExperienceLeavesThePublicPage(t *testing.T) {
	a := newApp(t)
	const email = "helene.brunet@exemple.fr"
	x := publishedExperience(t, a, email, "Le parc Vauban est magnifique au printemps.", "Merci pour ce retour sur le parc Vauban.")
	other := publishedExperience(t, a, "ivan.roux@exemple.fr", "La bibliothèque ouvre trop tard le samedi.", "Nous étudions un horaire élargi.")
	pub := "/c/" + a.Commune.Slug + "/avis"
	mustContain(t, a.client().get(pub), "parc Vauban est magnifique")

	sup := a.signIn(a.Supervisor)
	page := sup.get("/gestion/supervision/donnees-personnelles?email=" + url.QueryEscape(email))
	mustContain(t, page, "Le parc Vauban est magnifique au printemps.")
	if strings.Contains(page.Body, "bibliothèque") {
		t.Error("another author's experience is listed")
	}
	done := sup.follow(sup.post("/gestion/supervision/donnees-personnelles/effacer", url.Values{"email": {email}, "motif": {"request"}, "confirmation": {"oui"}}))
	mustContain(t, done, "Effacé : 1 élément(s).")

	body := a.client().get(pub).Body
	if strings.Contains(body, "Vauban") {
		t.Error("the erased experience or its answer is still public")
	}
	if !strings.Contains(body, "bibliothèque ouvre trop tard") {
		t.Error("another author's experience left the public page")
	}
	var row models.Experience
	fixture.Must(t, a.DB.NewSelect().Model(&row).Where("commune_id = ? AND id = ?", a.Commune.ID, x.ID).Scan(t.Context()))
	if row.AnonymisedAt == nil || row.AnonymisedReason != retention.ReasonRequest || row.Body != "" || row.AuthorEmail != "" || row.Answer != "" || row.Improvement != "" {
		t.Errorf("the experience is not erased: %+v", row)
	}
	if row.Status != models.ExperiencePublished || row.ServiceID == nil || row.PublishedAt == nil {
		t.Errorf("what the indicators count changed: %+v", row)
	}
	var rating models.Rating
	fixture.Must(t, a.DB.NewSelect().Model(&rating).Where("commune_id = ? AND experience_id = ?", a.Commune.ID, x.ID).Scan(t.Context()))
	if rating.Email != "" || rating.Comment != "" || rating.Score == nil || *rating.Score != 4 {
		t.Errorf("the rating: %+v", rating)
	}
	var mails int
	fixture.Must(t, a.DB.NewRaw("SELECT count(*) FROM outbox_mails WHERE experience_id = ? AND (body_text LIKE '%Vauban%' OR recipient <> '')", x.ID).Scan(t.Context(), &mails))
	if mails != 0 {
		t.Errorf("%d mails about the experience keep its text or recipient", mails)
	}
	// Nothing acts on it any more: its service's link no longer opens.
	if _, err := a.App.Server.Base.Satisfaction.CheckServiceLink(t.Context(), a.Commune, tokenOf(experienceLinkOf(t, a, other, x.ID))); err == nil {
		t.Error("the erased experience's link still opens")
	}
}

// experienceLinkOf is the link to experience id of the service other is
// routed to (the same service).
func experienceLinkOf(t *testing.T, a *app, other *models.Experience, id int64) string {
	t.Helper()
	s, err := models.ServiceByID(t.Context(), a.DB, a.Commune.ID, *other.ServiceID)
	fixture.Must(t, err)
	u, err := a.Notifier.ExperienceURL(a.Commune, s, &models.Experience{CommuneID: a.Commune.ID, ID: id})
	fixture.Must(t, err)
	return u
}
