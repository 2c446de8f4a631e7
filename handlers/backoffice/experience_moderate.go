package backoffice

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/satisfaction"
	"guichet/views"
	"guichet/workflow"
)

// experienceModerate publishes, refuses or reroutes an experience
// (satisfaction.Manager.Moderate).
func (s *Handlers) experienceModerate(c *gin.Context) {
	id := web.IDParam(c, "xid")
	in := satisfaction.ModerateInput{Action: c.PostForm("action"), Reason: c.PostForm("motif")}
	in.ServiceID, _ = strconv.ParseInt(c.PostForm("service"), 10, 64)
	_, err := s.Satisfaction.Moderate(c.Request.Context(), workflow.AgentActor(currentAgent(c)), id, in)
	s.experienceDone(c, err, map[string]any{"service": c.PostForm("service"), "motif": in.Reason}, map[string]string{
		satisfaction.Publish: "L'avis est publié et transmis au service ; son auteur en est prévenu.",
		satisfaction.Refuse:  "L'avis est refusé : il ne sera jamais public. Son auteur en est prévenu, avec le motif.",
		satisfaction.Reroute: "L'avis est orienté vers le nouveau service, qui reçoit son lien.",
	}[in.Action])
}

// experienceAnswerValidate publishes the service's held answer, as edited.
func (s *Handlers) experienceAnswerValidate(c *gin.Context) {
	text := c.PostForm("reponse")
	err := s.Satisfaction.ValidateAnswer(c.Request.Context(), workflow.AgentActor(currentAgent(c)), web.IDParam(c, "xid"), text)
	s.experienceDone(c, err, map[string]any{"reponse": text}, "La réponse est publiée ; l'auteur de l'avis en est prévenu et invité à la noter.")
}

func (s *Handlers) experienceDone(c *gin.Context, err error, typed map[string]any, done string) {
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		s.showExperienceMod(c, web.StatusOf(e.Code), typed, e.Fields)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(jobs.MailJob)
	s.SetFlash(c, views.FlashSuccess, done)
	web.Redirect(c, "/gestion/supervision/avis/"+c.Param("xid"))
}
