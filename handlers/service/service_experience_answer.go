package service

import (
	"context"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/satisfaction"
	"guichet/views"
)

// serviceExperienceAnswer records the service's public answer, held until
// an agent validates it.
func (s *Handlers) serviceExperienceAnswer(c *gin.Context) {
	s.experienceWrite(c, s.Satisfaction.Answer, "Votre réponse est enregistrée : la mairie la relit avant de la publier.")
}

// serviceExperienceImprove attaches the improvement the service made.
func (s *Handlers) serviceExperienceImprove(c *gin.Context) {
	s.experienceWrite(c, s.Satisfaction.Improve, "L'amélioration est publiée avec l'avis ; son auteur en est prévenu.")
}

func (s *Handlers) experienceWrite(c *gin.Context, write func(ctx context.Context, a *satisfaction.ServiceAccess, in satisfaction.AnswerInput) error, done string) {
	a := s.experienceLink(c)
	if a == nil {
		return
	}
	in := satisfaction.AnswerInput{Person: c.PostForm("nom"), Text: c.PostForm("reponse")}
	err := write(c.Request.Context(), a, in)
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		s.showExperience(c, web.StatusOf(e.Code), a, map[string]any{"nom": in.Person, "reponse": in.Text}, e.Fields)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(jobs.MailJob)
	s.SetFlash(c, views.FlashSuccess, done)
	web.Redirect(c, c.Request.URL.Path[:strings.LastIndexByte(c.Request.URL.Path, '/')])
}
