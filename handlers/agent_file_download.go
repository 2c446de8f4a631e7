package handlers

import "github.com/gin-gonic/gin"

// agentFileDownload sends one of the demand's files, the citizen's or those
// agents and services added; ?apercu=1 shows images and PDFs in the browser.
func (s *Server) agentFileDownload(c *gin.Context) {
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	s.sendAttachment(c, d.CommuneID, d.ID, idParam(c, "fid"), true)
}
