package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// demandPrint is a demand on A4: its data, files and history, no controls.
func (s *Handlers) demandPrint(c *gin.Context) {
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	if err := s.recordOpening(c, d, "print"); err != nil {
		s.Fail(c, err)
		return
	}
	data, err := s.demandData(c, d, demandState{})
	if err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, "Demande "+d.Reference)
	p.Data = data
	s.Render(c, http.StatusOK, "agent/print", p)
}
