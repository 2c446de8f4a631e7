package citizen

import (
	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
)

// attachmentDownload sends one of the citizen's own files back, as a
// download; ?apercu=1 shows images and PDFs in the browser instead. Files
// added by agents or services are internal: the citizen never gets them.
func (s *Handlers) attachmentDownload(c *gin.Context) {
	d, _, _ := followed(c)
	s.SendAttachment(c, d.CommuneID, d.ID, web.IDParam(c, "id"), false)
}
