package backoffice

import (
	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/tag"
	"guichet/views"
	"guichet/workflow"
)

// demandTag puts a tag on the demand (created if new), or with off takes it off.
func (s *Handlers) demandTag(off bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		d, ok := s.agentDemand(c)
		if !ok {
			return
		}
		err := tag.OnDemand(c.Request.Context(), s.DB, s.Clock.Now(), workflow.AgentActor(currentAgent(c)), d.ID, c.PostForm("etiquette"), off)
		if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
			s.SetFlash(c, views.FlashError, e.Fields["etiquette"])
			web.Redirect(c, demandBackURL(d.ID, backURL(c))+"#etiquettes")
			return
		}
		if err != nil {
			s.Fail(c, err)
			return
		}
		s.SetFlash(c, views.FlashSuccess, map[bool]string{false: "Étiquette ajoutée.", true: "Étiquette retirée."}[off])
		web.Redirect(c, demandBackURL(d.ID, backURL(c))+"#etiquettes")
	}
}
