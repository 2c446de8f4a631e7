package citizen

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/links"
	"guichet/models"
)

const keyConversation = "conversation"

// loadConversation checks the private link of /messages/:token and loads
// its conversation (the one it was merged into, if it was). A link of
// another commune, or made for anything else, shows nothing.
func (s *Handlers) loadConversation(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	cl, err := s.Links.Verify(links.Conversation, c.Param("token"))
	if err == nil && (cl.CommuneID != cm.ID || cl.ConversationID == 0) {
		err = links.ErrInvalid
	}
	var cv *models.Conversation
	if err == nil {
		cv, err = models.ConversationByID(ctx, s.DB, cm.ID, cl.ConversationID)
		for hops := 0; err == nil && cv.MergedInto != nil && hops < 10; hops++ {
			cv, err = models.ConversationByID(ctx, s.DB, cm.ID, *cv.MergedInto)
		}
		if errors.Is(err, models.ErrNotFound) {
			err = links.ErrInvalid
		}
	}
	switch {
	case errors.Is(err, links.ErrExpired):
		s.RenderError(c, http.StatusGone, "Lien expiré", "Ce lien vers votre conversation avec la mairie a expiré. Écrivez de nouveau à la mairie depuis « Contacter la mairie » en rappelant la référence de la conversation.")
	case errors.Is(err, links.ErrInvalid):
		s.RenderError(c, http.StatusForbidden, "Lien non valable", "Ce lien ne mène à aucune conversation : il est incomplet ou a été modifié. Copiez l'adresse entière reçue par e-mail.")
	case err != nil:
		s.Fail(c, err)
	case cv.AnonymisedAt != nil:
		s.RenderError(c, http.StatusGone, "Conversation effacée", anonymisedText)
	default:
		c.Set(keyConversation, cv)
		c.Set(keyBase, "/c/"+cm.Slug+"/messages/"+c.Param("token"))
	}
}

// conversationOf is what loadConversation found and the page's path.
func conversationOf(c *gin.Context) (*models.Conversation, string) {
	return c.MustGet(keyConversation).(*models.Conversation), c.GetString(keyBase)
}

// pathOf is the path of an absolute link made by the notifier.
func pathOf(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return "/"
	}
	return u.Path
}
