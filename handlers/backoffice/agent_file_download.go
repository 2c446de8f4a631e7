package backoffice

import (
	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
)

// agentFileDownload sends one of the demand's files, the citizen's or those
// agents and services added; ?apercu=1 shows images and PDFs in the browser.
func (s *Handlers) agentFileDownload(c *gin.Context) {
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	s.SendAttachment(c, d.CommuneID, d.ID, web.IDParam(c, "fid"), true)
}
