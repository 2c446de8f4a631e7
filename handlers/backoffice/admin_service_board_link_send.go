package backoffice

import (
	"errors"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/views"
)

// adminServiceBoardLinkSend e-mails a service the link to its board, at
// the service's own address (as "guichet service board-link" does).
func (s *Handlers) adminServiceBoardLinkSend(c *gin.Context) {
	ctx := c.Request.Context()
	sv := s.confirmedService(c, slugBoardLink, "Cochez la case pour confirmer l'envoi du lien du tableau de bord.")
	if sv == nil {
		return
	}
	err := s.Notifier.MailBoard(ctx, s.DB, web.Commune(c), sv)
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.Invalid { // deactivated meanwhile: its form is gone
		s.SetFlash(c, views.FlashError, e.Message)
		web.Redirect(c, "/gestion/admin/services")
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Log.Info("service board link sent", "commune", sv.CommuneID, "service", sv.ID, "agent", currentAgent(c).ID)
	s.SetFlash(c, views.FlashSuccess, "Le lien du tableau de bord du service « "+sv.Name+" » est envoyé à "+sv.Email+
		". Il lui permet d'ouvrir toutes les demandes qu'il détient, jusqu'à ce qu'il expire ou que vous révoquiez les liens du service.")
	web.Redirect(c, "/gestion/admin/services")
}
