package service

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/links"
	"guichet/models"
	"guichet/satisfaction"
	"guichet/views"
)

// experienceData is the Data of "service/experience".
type experienceData struct {
	Experience *models.Experience
	Service    string
	Action     string // the link's base path
}

// experienceLink opens the service's link to an experience of the URL, or
// shows why it cannot and returns nil.
func (s *Handlers) experienceLink(c *gin.Context) *satisfaction.ServiceAccess {
	ctx := c.Request.Context()
	c.Header("X-Robots-Tag", "noindex, nofollow")
	cm, err := models.CommuneBySlug(ctx, s.DB, c.Param("commune"))
	if err != nil {
		s.linkNotFound(c)
		return nil
	}
	c.Set(web.KeyCommune, cm)
	if !cm.Active {
		s.CommuneClosed(c, cm)
		return nil
	}
	a, err := s.Satisfaction.CheckServiceLink(ctx, cm, c.Param("token"))
	switch {
	case err == nil:
		return a
	case errors.Is(err, links.ErrExpired):
		s.RenderError(c, http.StatusGone, "Lien expiré", "Ce lien vers un avis d'usager a expiré. Demandez-en un nouveau à la mairie.")
	case errors.Is(err, satisfaction.ErrLinkRevoked):
		s.RenderError(c, http.StatusGone, "Lien révoqué", "La mairie a révoqué les liens de votre service, ou l'a désactivé : ce lien ne fonctionne plus.")
	case errors.Is(err, satisfaction.ErrLinkInvalid):
		s.RenderError(c, http.StatusNotFound, "Avis introuvable", "Ce lien ne mène à aucun avis confié à votre service : il est incomplet, a été modifié, ou l'avis a été orienté vers un autre service.")
	default:
		s.Fail(c, err)
	}
	return nil
}

// serviceExperienceShow shows a service the experience routed to it, its
// answer (held or published) and the forms to answer or add an improvement.
func (s *Handlers) serviceExperienceShow(c *gin.Context) {
	if a := s.experienceLink(c); a != nil {
		s.showExperience(c, http.StatusOK, a, nil, nil)
	}
}

func (s *Handlers) showExperience(c *gin.Context, status int, a *satisfaction.ServiceAccess, typed map[string]any, errs views.FormErrors) {
	p := s.Page(c, "Avis d'usager sur le service "+a.Service.Name)
	if typed == nil && a.Experience.AnswerStatus == models.AnswerHeld {
		typed = map[string]any{"reponse": a.Experience.Answer}
	}
	p.Form, p.Errors = typed, errs
	p.Data = experienceData{Experience: a.Experience, Service: a.Service.Name, Action: "/c/" + a.Commune.Slug + "/service/avis/" + c.Param("token")}
	s.Render(c, status, "service/experience", p)
}
