package handlers

import (
	"github.com/gin-gonic/gin"

	"guichet/models"
)

// agentFileDownload sends one of the demand's files; ?apercu=1 shows
// images and PDFs in the browser.
func (s *Server) agentFileDownload(c *gin.Context) {
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	a, err := models.AttachmentByID(c, s.DB, d.CommuneID, d.ID, idParam(c, "fid"))
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := s.files().Open(a.SHA256)
	if err != nil {
		s.fail(c, err)
		return
	}
	defer f.Close()
	serveFile(c, a, f)
}
