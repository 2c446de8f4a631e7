package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/links"
	"guichet/models"
	"guichet/notify"
	"guichet/views"
	"guichet/workflow"
)

// serviceBoardShow is a service's board: every demand it holds, the longest
// waiting first, each with a fresh link to its page. The board link lives
// longer than a demand link; the admin revokes it by bumping the service's
// link epoch.
func (s *Server) serviceBoardShow(c *gin.Context) {
	cm := s.linkCommune(c)
	if cm == nil {
		return
	}
	cl, err := s.Links.Verify(links.Board, c.Param("token"))
	var svc *models.Service
	if err != links.ErrInvalid && cl.CommuneID == cm.ID {
		if svc, err = models.ServiceByID(c, s.DB, cm.ID, cl.ServiceID); err == models.ErrNotFound {
			err = links.ErrInvalid
		}
	} else {
		err = links.ErrInvalid
	}
	switch {
	case err == links.ErrInvalid:
		s.renderError(c, http.StatusForbidden, "Lien invalide",
			"Ce lien de tableau de bord n'est pas valide : il est incomplet, a été modifié, ou n'est plus reconnu. Demandez un nouveau lien à la mairie.")
		return
	case err == links.ErrExpired:
		s.renderError(c, http.StatusGone, "Lien expiré",
			"Ce lien de tableau de bord a expiré le "+formatParis(cl.ExpiresAt())+". Demandez-en un nouveau à la mairie : il sera envoyé à l'adresse de votre service.")
		return
	case err != nil:
		s.fail(c, err)
		return
	case cl.Epoch != svc.LinkEpoch || !svc.Active:
		s.renderError(c, http.StatusGone, "Lien révoqué",
			"La mairie a révoqué ce lien de tableau de bord : il ne fonctionne plus. Demandez-en un nouveau à la mairie : il sera envoyé à l'adresse de votre service.")
		return
	}
	held, err := models.HeldDemands(c, s.DB, cm.ID, svc.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	data := views.ServiceBoardData{ServiceName: svc.Name, Expires: cl.ExpiresAt()}
	for _, h := range held {
		tok, _, err := s.Notifier.ServiceToken(cm, svc, &models.Assignment{ID: *h.AssignmentID, DemandID: h.ID, ServiceID: svc.ID})
		if err != nil {
			s.fail(c, err)
			return
		}
		citizen := h.CitizenName
		if citizen == "" {
			citizen = h.CitizenEmail
		}
		row := views.BoardRow{Href: notify.ServicePath(cm, tok), Reference: h.Reference, ProcedureTitle: h.ProcedureTitle,
			Citizen: citizen, Since: h.UpdatedAt, WaitingDays: int(time.Since(h.UpdatedAt) / (24 * time.Hour))}
		if h.State == workflow.Transferred {
			data.ToHandle = append(data.ToHandle, row)
		} else {
			data.Correction = append(data.Correction, row)
		}
	}
	s.Log.Info("service board opened", "commune", cm.ID, "service", svc.ID)
	p := s.page(c, "Tableau de bord du service "+svc.Name)
	p.Data = data
	s.render(c, http.StatusOK, "service/board", p)
}
