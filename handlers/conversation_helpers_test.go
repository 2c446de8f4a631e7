package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"guichet/conversation"
	"guichet/fixture"
	"guichet/mail/mailtest"
	"guichet/models"
	"guichet/workflow"
)

// postMessage submits a message form as a browser does: its fields, then
// at most one file in "fichier".
func (c *client) postMessage(path string, fields map[string]string, file *upload) *response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		fixture.Must(c.t, mw.WriteField(k, v))
	}
	if file != nil {
		w, err := mw.CreateFormFile("fichier", file.Name)
		fixture.Must(c.t, err)
		_, err = w.Write(file.Content)
		fixture.Must(c.t, err)
	}
	fixture.Must(c.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, c.abs(path), &body)
	fixture.Must(c.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.app.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

var conversationLinkRe = regexp.MustCompile(`https?://\S+/messages/\S+`)

// conversationLinkIn is the path of the conversation link a mail carries.
func conversationLinkIn(t testing.TB, m mailtest.Received) string {
	t.Helper()
	l := conversationLinkRe.FindString(m.Text)
	if l == "" {
		t.Fatalf("no conversation link in mail %q:\n%s", m.Subject, m.Text)
	}
	u, err := url.Parse(l)
	fixture.Must(t, err)
	return u.Path
}

// contact writes to the commune from "Contacter la mairie" and returns the
// conversation page it lands on.
func (a *app) contact(c *client, email, subject, message string, file *upload) *response {
	a.t.Helper()
	r := c.postMessage("/c/"+a.Commune.Slug+"/contact", map[string]string{"objet": subject, "message": message, "nom": "Camille Martin", "email": email}, file)
	mustStatus(a.t, r, http.StatusSeeOther)
	return c.follow(r)
}

// reply posts an agent's message to the citizen through the domain.
func (a *app) reply(t testing.TB, ag *models.Agent, cv *models.Conversation, body string) {
	t.Helper()
	_, _, err := a.App.Conversations.Post(t.Context(), a.Commune, workflow.AgentActor(ag), cv.ID, conversation.MessageInput{Body: body})
	fixture.Must(t, err)
}

// convOpen is an agent's conversation opened by phone for addr.
func convOpen(addr string) conversation.OpenInput {
	return conversation.OpenInput{Subject: "Appel", Email: addr, Message: conversation.MessageInput{Body: "Appel reçu", Channel: models.ChannelPhone}}
}
