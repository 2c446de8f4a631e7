package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/history"
	"guichet/links"
	"guichet/models"
	"guichet/notify"
	"guichet/views"
	"guichet/workflow"
)

// serviceLink is what a service's signed link opens: one demand, for one
// service, under one assignment (the transfer the link was made for).
type serviceLink struct {
	token      string
	claims     links.Claims
	commune    *models.Commune
	demand     *models.Demand
	service    *models.Service
	assignment *models.Assignment
	procedure  *models.Procedure
}

func (l *serviceLink) path() string { return notify.ServicePath(l.commune, l.token) }

// actor is the service acting through this link; person is the name the
// person acting chose to give.
func (l *serviceLink) actor(person string) workflow.Actor {
	return workflow.ServiceActor(l.service, l.assignment.ID, person)
}

// holds tells whether the link grants action now: a service the commune
// deactivated no longer acts, its links only show.
func (l *serviceLink) holds() bool { return l.service.Active && l.actor("").HoldsDemand(l.demand) }

// serviceInactive explains why a deactivated service's link only shows.
const serviceInactive = "La mairie a désactivé votre service dans Guichet : ce lien permet seulement de consulter la demande, plus d'agir dessus. Pour toute question, contactez l'accueil de la mairie."

// ended tells whether the assignment is over (decided, returned): the link
// then only says where the demand stands.
func (l *serviceLink) ended() bool { return l.assignment.EndedAt != nil }

// Why a link does not open.
var (
	errLinkInvalid = errors.New("invalid service link")
	errLinkRevoked = errors.New("revoked service link")
)

// linkCommune loads the commune of the URL for a link page, showing the 404
// page when there is none.
func (s *Server) linkCommune(c *gin.Context) *models.Commune {
	// Link pages must not end up in a search engine, even if a link leaks.
	c.Header("X-Robots-Tag", "noindex, nofollow")
	cm, err := models.CommuneBySlug(c, s.DB, c.Param("commune"))
	if err == models.ErrNotFound {
		s.renderError(c, http.StatusNotFound, "Page introuvable", "Cette page n'existe pas ou plus. Vérifiez l'adresse, ou revenez à l'accueil.")
		return nil
	}
	if err != nil {
		s.fail(c, err)
		return nil
	}
	c.Set(keyCommune, cm)
	return cm
}

// resolveServiceLink verifies the token of the URL and loads what it names.
// An expired or revoked link comes back with errLinkExpired or
// errLinkRevoked and everything loaded (it may still ask for a new link);
// a link that does not hold together is errLinkInvalid.
func (s *Server) resolveServiceLink(c *gin.Context, cm *models.Commune) (*serviceLink, error) {
	l := &serviceLink{token: c.Param("token"), commune: cm}
	cl, verr := s.Links.Verify(links.Service, l.token)
	if verr == links.ErrInvalid || cl.CommuneID != cm.ID {
		return nil, errLinkInvalid
	}
	l.claims = cl
	var err error
	if l.assignment, err = models.AssignmentByID(c, s.DB, cm.ID, cl.AssignmentID); err != nil {
		return nil, notFoundAs(err, errLinkInvalid)
	}
	if l.assignment.DemandID != cl.DemandID || l.assignment.ServiceID != cl.ServiceID {
		return nil, errLinkInvalid
	}
	if l.demand, err = models.DemandByID(c, s.DB, cm.ID, cl.DemandID); err != nil {
		return nil, err
	}
	if l.service, err = models.ServiceByID(c, s.DB, cm.ID, cl.ServiceID); err != nil {
		return nil, err
	}
	if l.procedure, err = models.ProcedureByID(c, s.DB, cm.ID, l.demand.ProcedureID); err != nil {
		return nil, err
	}
	switch {
	case verr != nil:
		return l, verr
	case cl.Epoch != l.service.LinkEpoch:
		return l, errLinkRevoked
	}
	return l, nil
}

func notFoundAs(err, as error) error {
	if err == models.ErrNotFound {
		return as
	}
	return err
}

// serviceLink opens the link of the URL, or shows why it cannot and returns nil.
func (s *Server) serviceLink(c *gin.Context) *serviceLink {
	cm := s.linkCommune(c)
	if cm == nil {
		return nil
	}
	l, err := s.resolveServiceLink(c, cm)
	if err == nil {
		return l
	}
	s.serviceLinkProblem(c, l, err)
	return nil
}

// serviceLinkProblem shows why a service link does not open and, when the demand is still
// with the service, offers to send a new link to the service's own address.
func (s *Server) serviceLinkProblem(c *gin.Context, l *serviceLink, err error) {
	var data views.LinkProblemData
	status := http.StatusGone
	switch err {
	case errLinkInvalid:
		s.renderError(c, http.StatusForbidden, "Lien invalide",
			"Ce lien n'est pas valide : il est incomplet, a été modifié, ou n'est plus reconnu. Vérifiez que vous avez copié l'adresse en entier depuis l'e-mail reçu, ou contactez l'accueil de la mairie.")
		return
	case links.ErrExpired:
		data.Title = "Lien expiré"
		data.Message = fmt.Sprintf("Ce lien a expiré le %s : pour votre sécurité, les liens envoyés aux services ont une durée limitée.", formatParis(l.claims.ExpiresAt()))
	case errLinkRevoked:
		data.Title = "Lien révoqué"
		data.Message = "La mairie a révoqué les liens de votre service : celui-ci ne fonctionne plus."
	default:
		s.fail(c, err)
		return
	}
	switch {
	case l.ended():
		data.Message += " Cette demande n'est de toute façon plus entre les mains de votre service."
	case !l.service.Active:
		data.Message += " " + serviceInactive
	default:
		data.ResendPath, data.ServiceTo = l.path()+"/nouveau-lien", l.service.Email
	}
	p := s.page(c, data.Title)
	p.Data = data
	s.render(c, status, "service/link_problem", p)
}

// auditLinkOpening records that the link was opened, at most once an hour
// per assignment so that a person reloading the page (or a mail scanner)
// does not flood the history.
func (s *Server) auditLinkOpening(c *gin.Context, l *serviceLink, view string) error {
	_, err := history.RecordOnce(c, s.DB, &models.Event{
		CommuneID: l.commune.ID, DemandID: l.demand.ID, Kind: models.KindLinkOpened,
		ActorKind: workflow.KindService, ActorID: &l.service.ID, ActorName: l.service.Name,
		Channel: workflow.ChannelLink,
		Details: map[string]any{"view": view},
	}, l.assignment.ID, s.Clock.Now(), time.Hour)
	return err
}

var paris, _ = time.LoadLocation("Europe/Paris")

func formatParis(t time.Time) string { return t.In(paris).Format("02/01/2006 à 15:04") }
