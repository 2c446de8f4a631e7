package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/files"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// kindAttachment is the history kind of a file an agent attached.
const kindAttachment = "attachment"

// agentFileStates are the states in which agents may attach files: once the
// citizen has sent the demand, until it is archived.
var agentFileStates = []string{workflow.Submitted, workflow.CorrectionRequested, workflow.Transferred,
	workflow.ReturnedToGuichet, workflow.Accepted, workflow.Refused}

// agentFileUpload attaches a file to the demand (a scanned letter, a
// photo taken on site…), for agents and services only. The file is streamed
// to disk, its type checked from its content.
func (s *Server) agentFileUpload(c *gin.Context) {
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	refuse := func(msg string) {
		st := demandState{action: "piece", errs: map[string]string{"fichier": msg}}
		s.showAgentDemand(c, d, st, http.StatusUnprocessableEntity, nil)
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.Config.MaxFileSize+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		refuse("Choisissez un fichier à joindre.")
		return
	}
	var a *models.Attachment
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			refuse(fmt.Sprintf("Le fichier est trop volumineux : %s au plus.", limitSize(s.Config.MaxFileSize)))
			return
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		if part.FormName() != "fichier" || part.FileName() == "" {
			part.Close()
			continue
		}
		name := cleanFilename(part.FileName())
		info, err := s.files().Save(part, s.Config.MaxFileSize)
		io.Copy(io.Discard, part)
		var refused *files.RefusedError
		switch {
		case errors.Is(err, files.ErrTooLarge) || errors.As(err, &mbe):
			refuse(fmt.Sprintf("« %s » est trop volumineux : %s au plus.", name, limitSize(s.Config.MaxFileSize)))
			return
		case errors.As(err, &refused):
			refuse(fmt.Sprintf("« %s » n'a pas été joint. %s", name, refused.Reason()))
			return
		case err != nil:
			s.fail(c, err)
			return
		}
		a = &models.Attachment{CommuneID: d.CommuneID, DemandID: d.ID, Filename: name, ContentType: info.ContentType,
			Size: info.Size, SHA256: info.SHA256, UploadedBy: workflow.KindAgent}
	}
	if a == nil {
		refuse("Choisissez un fichier à joindre.")
		return
	}
	err = models.AddAttachment(c, s.DB, a, agentFileStates, s.Config.MaxDemandSize)
	switch {
	case errors.Is(err, models.ErrDemandFull):
		used, err := models.AttachedSize(c, s.DB, d.CommuneID, d.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		refuse(demandFull(a.Filename, s.Config.MaxDemandSize, used))
		return
	case errors.Is(err, models.ErrNotEditable):
		refuse("Plus aucun fichier ne peut être joint à cette demande dans son état actuel.")
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	ag := currentAgent(c)
	ev := &models.Event{CommuneID: d.CommuneID, DemandID: d.ID, Kind: kindAttachment, ActorKind: workflow.KindAgent,
		ActorID: &ag.ID, ActorName: ag.Name, Channel: workflow.ChannelWeb, Message: a.Filename, Visibility: models.Internal}
	if err := models.AddEvent(c, s.DB, ev); err != nil {
		s.fail(c, err)
		return
	}
	setFlash(c, views.FlashSuccess, "« "+a.Filename+" » est joint à la demande. L'usager ne le voit pas.")
	redirect(c, demandURL(d.ID)+"#pieces")
}
