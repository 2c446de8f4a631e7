package handlers

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/files"
	"guichet/models"
)

// attachmentDownload sends a file back with the type sniffed at upload, as
// a download; ?apercu=1 shows images and PDFs in the browser instead.
func (s *Server) attachmentDownload(c *gin.Context) {
	d, _, _ := followed(c)
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	a, err := models.AttachmentByID(c, s.DB, d.CommuneID, d.ID, id)
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

// serveFile sends a stored attachment with a safe type and disposition.
func serveFile(c *gin.Context, a *models.Attachment, f http.File) {
	k, _ := files.KindOf(a.ContentType)
	disposition := "attachment"
	if c.Query("apercu") != "" && k.Inline {
		disposition = "inline"
	}
	h := c.Writer.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename}))
	h.Set("Cache-Control", "private, no-store")
	// Nothing in a document may run scripts or load anything else.
	csp := "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
	if a.ContentType != "application/pdf" {
		csp += "; sandbox" // browsers' PDF viewers refuse to run sandboxed
	}
	h.Set("Content-Security-Policy", csp)
	http.ServeContent(c.Writer, c.Request, "", a.CreatedAt, f)
	c.Abort()
}
