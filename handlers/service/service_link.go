package service

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/history"
	"guichet/links"
	"guichet/models"
	"guichet/servicelink"
	"guichet/views"
	"guichet/workflow"
)

// serviceInactive explains why a deactivated service's link only shows.
const serviceInactive = "La mairie a désactivé votre service dans Guichet : ce lien permet seulement de consulter la demande, plus d'agir dessus. Pour toute question, contactez l'accueil de la mairie."

// checkLink checks the link of the URL (servicelink.Check) for purpose,
// and sets its commune for the page. Link pages must not end up in a
// search engine, even if a link leaks.
func (s *Handlers) checkLink(c *gin.Context, purpose string) (*servicelink.Access, error) {
	ctx := c.Request.Context()
	c.Header("X-Robots-Tag", "noindex, nofollow")
	l, err := servicelink.Check(ctx, s.DB, s.Links, c.Param("commune"), c.Param("token"), purpose)
	if l != nil {
		c.Set(web.KeyCommune, l.Commune)
	}
	return l, err
}

// linkNotFound answers a link to a commune there is none of.
func (s *Handlers) linkNotFound(c *gin.Context) {
	s.RenderError(c, http.StatusNotFound, "Page introuvable", "Cette page n'existe pas ou plus. Vérifiez l'adresse, ou revenez à l'accueil.")
}

// serviceLink opens the demand's link of the URL, or shows why it cannot
// and returns nil.
func (s *Handlers) serviceLink(c *gin.Context) *servicelink.Access {
	l, err := s.checkLink(c, links.Service)
	if err == nil {
		return l
	}
	s.serviceLinkProblem(c, l, err)
	return nil
}

// serviceLinkProblem shows why a service link does not open and, when the
// link may ask for a new one, offers to send it to the service's own address.
func (s *Handlers) serviceLinkProblem(c *gin.Context, l *servicelink.Access, err error) {
	var data views.LinkProblemData
	switch err {
	case servicelink.ErrNoCommune:
		s.linkNotFound(c)
		return
	case servicelink.ErrCommuneClosed:
		s.CommuneClosed(c, l.Commune)
		return
	case servicelink.ErrInvalid:
		s.RenderError(c, http.StatusForbidden, "Lien invalide",
			"Ce lien n'est pas valide : il est incomplet, a été modifié, ou n'est plus reconnu. Vérifiez que vous avez copié l'adresse en entier depuis l'e-mail reçu, ou contactez l'accueil de la mairie.")
		return
	case servicelink.ErrExpired:
		data.Title = "Lien expiré"
		data.Message = fmt.Sprintf("Ce lien a expiré le %s : pour votre sécurité, les liens envoyés aux services ont une durée limitée.", formatParis(l.Claims.ExpiresAt()))
	case servicelink.ErrRevoked:
		data.Title = "Lien révoqué"
		data.Message = "La mairie a révoqué les liens de votre service : celui-ci ne fonctionne plus."
	default:
		s.Fail(c, err)
		return
	}
	switch {
	case l.Ended():
		data.Message += " Cette demande n'est de toute façon plus entre les mains de votre service."
	case !l.Service.Active:
		data.Message += " " + serviceInactive
	default:
		data.ResendPath, data.ServiceTo = l.Path()+"/nouveau-lien", l.Service.Email
	}
	p := s.Page(c, data.Title)
	p.Data = data
	s.Render(c, http.StatusGone, "service/link_problem", p)
}

// auditLinkOpening records that the link was opened, at most once an hour
// per assignment so that a person reloading the page (or a mail scanner)
// does not flood the history.
func (s *Handlers) auditLinkOpening(c *gin.Context, l *servicelink.Access, view string) error {
	ctx := c.Request.Context()
	_, err := history.RecordOnce(ctx, s.DB, &models.Event{
		CommuneID: l.Commune.ID, DemandID: l.Demand.ID, Kind: models.KindLinkOpened,
		ActorKind: workflow.KindService, ActorID: &l.Service.ID, ActorName: l.Service.Name,
		Channel: workflow.ChannelLink,
		Details: map[string]any{"view": view, "assignment_id": l.Assignment.ID},
	}, s.Clock.Now(), history.OpeningEvery)
	return err
}

func formatParis(t time.Time) string { return t.In(web.Paris).Format("02/01/2006 à 15:04") }
