package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// demandShow is a demand's page in the back office.
func (s *Handlers) demandShow(c *gin.Context) {
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	s.showAgentDemand(c, d, demandState{}, http.StatusOK, nil)
}
