package backoffice

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/files"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// agentFileUpload attaches a file an agent adds (a scanned letter, a photo
// taken on site…): internal, never shown to the citizen, recorded in the
// history. Like every upload, it is streamed to disk, its type checked from
// its content, its size bounded.
func (s *Handlers) agentFileUpload(c *gin.Context) {
	ctx := c.Request.Context()
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	att, up, refusal, err := s.readAgentFile(c, d)
	defer up.Discard()
	refuse := func(msg string) {
		up.Discard() // before the answer: once it is read, nothing is left
		st := demandState{action: "piece", errs: map[string]string{"fichier": msg}}
		s.showAgentDemand(c, d, st, http.StatusUnprocessableEntity, nil)
	}
	switch {
	case err != nil:
		s.Fail(c, err)
		return
	case refusal != "":
		refuse(refusal)
		return
	case att == nil:
		refuse("Choisissez un fichier à joindre.")
		return
	}
	err = s.KeepUpload(c, up, func(keep func() error) error {
		_, err := s.Engine.AddFile(ctx, d.ID, workflow.AgentActor(currentAgent(c)), att, s.FileLimits(), keep)
		return err
	})
	limit, err := s.LimitReached(c, d.CommuneID, d.ID, "", att.Filename, err)
	switch {
	case limit != "":
		refuse(limit)
	case apperr.CodeOf(err) == apperr.Forbidden:
		refuse(apperr.As(err).Message)
	case err != nil:
		s.Fail(c, err)
	default:
		s.SetFlash(c, views.FlashSuccess, "« "+att.Filename+" » est joint à la demande. L'usager ne le voit pas.")
		web.Redirect(c, demandBackURL(d.ID, backURL(c))+"#pieces")
	}
}

// readAgentFile reads the form as a stream and receives its file as it
// arrives; a file refused comes back with the French reason. The upload
// received, if any, is returned with every answer: the caller discards it.
func (s *Handlers) readAgentFile(c *gin.Context, d *models.Demand) (att *models.Attachment, up *files.Upload, refusal string, err error) {
	tooLarge := fmt.Sprintf("Le fichier est trop volumineux : %s au plus.", web.LimitSize(s.Config.MaxFileSize))
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.Config.MaxFileSize+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, nil, "", nil // no file was sent
	}
	var mbe *http.MaxBytesError
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		switch {
		case err == io.EOF:
			return att, up, refusal, nil
		case errors.As(err, &mbe):
			return nil, up, tooLarge, nil
		case web.BadPart(err):
			return nil, up, web.BadPartRefusal, nil
		case err != nil:
			return nil, up, "", err
		case n > web.MaxParts:
			return nil, up, web.TooManyParts, nil
		}
		if part.FormName() == "fichier" && part.FileName() != "" && att == nil && refusal == "" {
			var name string
			up, name, refusal, err = s.ReceiveFile(c, d.CommuneID, d.ID, "", part)
			if errors.As(err, &mbe) {
				return nil, up, tooLarge, nil
			}
			if err != nil {
				return nil, up, "", err
			}
			if refusal == "" {
				att = &models.Attachment{Filename: name, ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256}
			}
		}
		if _, err := io.Copy(io.Discard, part); errors.As(err, &mbe) {
			return nil, up, tooLarge, nil
		}
	}
}
