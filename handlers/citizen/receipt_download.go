package citizen

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/files"
	"guichet/forms"
	"guichet/handlers/web"
	"guichet/legal"
	"guichet/models"
	"guichet/receipt"
	"guichet/views"
	"guichet/workflow"
)

// receiptDownload sends the PDF receipt of a submitted demand.
func (s *Handlers) receiptDownload(c *gin.Context) {
	ctx := c.Request.Context()
	d, p, base := followed(c)
	if d.State == workflow.Draft || d.SubmittedAt == nil {
		web.Redirect(c, base)
		return
	}
	cm := web.Commune(c)
	atts, err := models.CitizenAttachments(ctx, s.DB, d.CommuneID, d.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	r := receipt.Receipt{Commune: cm.Name, Procedure: p.Title, FormVersion: web.VersionText(p), Reference: d.Reference, TrackingCode: d.TrackingCode,
		Citizen: d.CitizenEmail, PrintedAt: s.Clock.Now()}
	for _, m := range legal.Acknowledgement(cm, &p.ProcedureVersion, d) {
		r.Acknowledgement = append(r.Acknowledgement, receipt.Line(m))
	}
	if d.CitizenName != "" {
		r.Citizen = d.CitizenName + " <" + d.CitizenEmail + ">"
	}
	for _, line := range append([]string{cm.Address, cm.Phone, cm.Email, cm.Website}, cm.OpeningHours.Lines()...) {
		if line != "" {
			r.Contact = append(r.Contact, line)
		}
	}
	for _, f := range forms.Answered(p.Form, d.Data) {
		if f.Type != "file" {
			r.Answers = append(r.Answers, receipt.Line{Label: f.Label, Value: forms.Display(f, d.Data[f.Name])})
		}
	}
	for _, a := range atts {
		k, _ := files.KindOf(a.ContentType)
		r.Files = append(r.Files, receipt.Line{Label: a.Filename, Value: k.Label + ", " + views.HumanSize(a.Size)})
	}
	var buf bytes.Buffer
	if err := receipt.Write(&buf, r); err != nil {
		s.Fail(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "recepisse-" + d.Reference + ".pdf"}))
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Cache-Control", "private, no-store")
	c.Status(http.StatusOK)
	_, _ = buf.WriteTo(c.Writer)
	c.Abort()
}
