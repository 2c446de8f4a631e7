package handlers

import "github.com/gin-gonic/gin"

// attachmentDownload sends one of the citizen's own files back, as a
// download; ?apercu=1 shows images and PDFs in the browser instead. Files
// added by agents or services are internal: the citizen never gets them.
func (s *Server) attachmentDownload(c *gin.Context) {
	d, _, _ := followed(c)
	s.sendAttachment(c, d.CommuneID, d.ID, idParam(c, "id"), false)
}
