package backoffice

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/views"
	"guichet/workflow"
)

// demandRulesApply runs the commune's routing rules on the demand
// ("Appliquer les règles", perm.Decide, checked by routing.Manager.Run).
func (s *Handlers) demandRulesApply(c *gin.Context) {
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	n, err := s.Routing.Run(c.Request.Context(), workflow.AgentActor(currentAgent(c)), d.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.rulesApplied(c, n, "cette demande")
	web.Redirect(c, demandBackURL(d.ID, backURL(c))+"#historique")
}

// conversationRulesApply runs the commune's routing rules on the
// conversation (conversation.Manager.ApplyRules), as they run when one opens.
func (s *Handlers) conversationRulesApply(c *gin.Context) {
	cv, ok := s.agentConversation(c)
	if !ok {
		return
	}
	n, err := s.Conversations.ApplyRules(c.Request.Context(), web.Commune(c), workflow.AgentActor(currentAgent(c)), cv.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.rulesApplied(c, n, "cette conversation")
	web.Redirect(c, conversationPath(cv.ID)+"#historique")
}

// rulesApplied says how many rules acted on what.
func (s *Handlers) rulesApplied(c *gin.Context, n int, what string) {
	switch n {
	case 0:
		s.SetFlash(c, views.FlashInfo, "Aucune règle ne s'applique à "+what+".")
	case 1:
		s.SetFlash(c, views.FlashSuccess, "Une règle s'est appliquée : voyez l'historique.")
	default:
		s.SetFlash(c, views.FlashSuccess, fmt.Sprintf("%d règles se sont appliquées : voyez l'historique.", n))
	}
}
