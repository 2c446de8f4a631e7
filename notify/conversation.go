package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"guichet/jobs"
	"guichet/links"
	"guichet/models"
)

// ConversationURL is the citizen's private link to a conversation's thread.
func (n *Notifier) ConversationURL(c *models.Commune, cv *models.Conversation) (string, error) {
	tok, err := n.Links.Sign(links.Conversation, links.Claims{CommuneID: c.ID, ConversationID: cv.ID}, n.FollowLinkTTL)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/c/%s/messages/%s", n.BaseURL, c.Slug, tok), nil
}

// AgentConversationURL is the back-office page of a conversation.
func (n *Notifier) AgentConversationURL(cv *models.Conversation) string {
	return fmt.Sprintf("%s/gestion/messages/%d", n.BaseURL, cv.ID)
}

// ConversationThreadID is the Message-ID every mail of a conversation
// refers to, so that mail clients show them as one thread.
func (n *Notifier) ConversationThreadID(cv *models.Conversation) string {
	return fmt.Sprintf("conversation-%s@%s", cv.Reference, n.Host())
}

// ReplyAddress is where a citizen's answer to a conversation's mail goes:
// reponse+TOKEN@ the commune's domain (its contact address's), the token
// signed and bound to the conversation (links.ReplyToken), so that the
// inbound mail can be threaded without trusting its sender.
func (n *Notifier) ReplyAddress(c *models.Commune, cv *models.Conversation) (string, error) {
	tok, err := n.Links.ReplyToken(c.ID, cv.ID)
	if err != nil {
		return "", err
	}
	domain := n.Host()
	if i := strings.LastIndexByte(c.Email, '@'); i >= 0 && i < len(c.Email)-1 {
		domain = c.Email[i+1:]
	}
	return "reponse+" + tok + "@" + domain, nil
}

// errInternalToCitizen guards the one rule no mail may break.
var errInternalToCitizen = errors.New("notify: an internal note is never mailed to the citizen")

// toCitizen enqueues a conversation's mail to the citizen, carrying message m.
func (n *Notifier) toCitizen(ctx context.Context, db bun.IDB, c *models.Commune, cv *models.Conversation, m *models.Message, mail Mail) (string, error) {
	if m.Internal {
		return "", errInternalToCitizen
	}
	u, err := n.ConversationURL(c, cv)
	if err != nil {
		return "", err
	}
	reply, err := n.ReplyAddress(c, cv)
	if err != nil {
		return "", err
	}
	mail.Facts = append([]Fact{{"Référence", cv.Reference}, {"Objet", cv.Subject}}, mail.Facts...)
	mail.Link = &Link{Label: "Voir la conversation et répondre", URL: u}
	mail.LinkNote = "Ce lien est personnel : ne le transférez pas."
	mail.ReplyNote = "Pour répondre, utilisez le lien ci-dessus : vos messages y sont lus par la mairie."
	ob, err := n.compose(c, nil, cv.CitizenEmail, mail)
	if err != nil {
		return "", err
	}
	ob.MessageID, ob.ThreadID, ob.ReplyTo, ob.ConversationID = m.MailID, n.ConversationThreadID(cv), reply, &cv.ID
	ob.DemandID = cv.DemandID
	return u, jobs.Enqueue(ctx, db, ob, n.Host())
}

// ConversationOpened e-mails the citizen the reference and private link of
// a conversation just opened, with its first message; it returns the link.
func (n *Notifier) ConversationOpened(ctx context.Context, db bun.IDB, c *models.Commune, cv *models.Conversation, first *models.Message) (string, error) {
	intro := fmt.Sprintf("Votre message a bien été transmis à la mairie de %s. Conservez sa référence : la réponse vous sera envoyée par e-mail, et vous pourrez la lire et répondre depuis le lien ci-dessous.", c.Name)
	switch first.AuthorKind {
	case "service":
		intro = fmt.Sprintf("Le service %s de la mairie de %s vous écrit. Vous pouvez lire la conversation et y répondre depuis le lien ci-dessous.", first.AuthorName, c.Name)
	case "agent":
		intro = fmt.Sprintf("La mairie de %s a ouvert une conversation avec vous. Vous pouvez la lire et y répondre depuis le lien ci-dessous.", c.Name)
	}
	return n.toCitizen(ctx, db, c, cv, first, Mail{
		Subject:    fmt.Sprintf("%s [%s]", cv.Subject, cv.Reference),
		Paragraphs: []string{intro, "Le message :"},
		Quote:      first.Body,
	})
}

// MessageToCitizen e-mails the citizen an external message of the commune.
func (n *Notifier) MessageToCitizen(ctx context.Context, db bun.IDB, c *models.Commune, cv *models.Conversation, m *models.Message) error {
	who := "La mairie"
	if m.AuthorKind == "service" {
		who = "Le service " + m.AuthorName
	}
	_, err := n.toCitizen(ctx, db, c, cv, m, Mail{
		Subject:    fmt.Sprintf("Re : %s [%s]", cv.Subject, cv.Reference),
		Paragraphs: []string{who + " vous a répondu :"},
		Quote:      m.Body,
	})
	return err
}

// CitizenWrote tells agents (the assignee, or the accueil) of a citizen's message.
func (n *Notifier) CitizenWrote(ctx context.Context, db bun.IDB, c *models.Commune, cv *models.Conversation, m *models.Message, to []models.Agent) error {
	for _, a := range to {
		ob, err := n.compose(c, nil, a.Email, Mail{
			Subject:    fmt.Sprintf("Nouveau message de l'usager : %s [%s]", cv.Subject, cv.Reference),
			Paragraphs: []string{fmt.Sprintf("%s a écrit dans la conversation « %s » :", citizenLabel(cv), cv.Subject)},
			Quote:      m.Body,
			Link:       &Link{Label: "Ouvrir la conversation", URL: n.AgentConversationURL(cv)},
		})
		if err != nil {
			return err
		}
		ob.ThreadID, ob.ConversationID = n.ConversationThreadID(cv), &cv.ID
		if err := jobs.Enqueue(ctx, db, ob, n.Host()); err != nil {
			return err
		}
	}
	return nil
}

func citizenLabel(cv *models.Conversation) string {
	if cv.CitizenName != "" {
		return cv.CitizenName + " (" + cv.CitizenEmail + ")"
	}
	return cv.CitizenEmail
}

// Forwarded e-mails an outside interlocutor (another administration) a
// citizen's message with the agent's covering note; an answer to it comes
// back to the conversation's signed address.
func (n *Notifier) Forwarded(ctx context.Context, db bun.IDB, c *models.Commune, cv *models.Conversation, m *models.Message, to, note string) error {
	if m.Internal {
		return errInternalToCitizen
	}
	reply, err := n.ReplyAddress(c, cv)
	if err != nil {
		return err
	}
	paras := []string{fmt.Sprintf("La mairie de %s vous transmet le message d'un usager, qui relève de votre compétence.", c.Name)}
	if note != "" {
		paras = append(paras, "Message de la mairie : "+note)
	}
	paras = append(paras, fmt.Sprintf("Le message de %s, reçu le %s :", citizenLabel(cv), formatTime(&m.CreatedAt)))
	ob, err := n.compose(c, nil, to, Mail{
		Subject:    fmt.Sprintf("Transmis par la mairie de %s : %s [%s]", c.Name, cv.Subject, cv.Reference),
		Paragraphs: paras, Quote: m.Body,
		ReplyNote: "Vous pouvez répondre à ce message : votre réponse rejoindra le dossier de la mairie.",
	})
	if err != nil {
		return err
	}
	ob.ThreadID, ob.ReplyTo, ob.ConversationID = n.ConversationThreadID(cv), reply, &cv.ID
	return jobs.Enqueue(ctx, db, ob, n.Host())
}
