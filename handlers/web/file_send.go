package web

import (
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/files"
	"guichet/models"
	"guichet/workflow"
)

// SendAttachment sends a file of a demand with the type sniffed at upload;
// internal tells whether files added by agents or services may be sent too.
func (s *Base) SendAttachment(c *gin.Context, communeID, demandID, id int64, internal bool) {
	ctx := c.Request.Context()
	a, err := models.AttachmentByID(ctx, s.DB, communeID, demandID, id)
	if err == nil && !internal && a.UploadedBy != workflow.KindCitizen {
		err = models.ErrNotFound
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	f, err := s.Files.Open(ctx, a.SHA256)
	if err != nil {
		s.Fail(c, err)
		return
	}
	defer f.Close()
	serveFile(c, a, f)
}

// serveFile sends a stored attachment with a safe type and disposition.
func serveFile(c *gin.Context, a *models.Attachment, f files.File) {
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
