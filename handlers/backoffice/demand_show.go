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
	if err := s.recordOpening(c, d, "page"); err != nil {
		s.Fail(c, err)
		return
	}
	s.showAgentDemand(c, d, demandState{}, http.StatusOK, nil)
}
