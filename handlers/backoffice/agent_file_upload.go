package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/files"
	"guichet/handlers/web"
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
	_, att, up, refusal, err := s.ReadOneFile(c, d.CommuneID, d.ID, web.OneFileForm{File: "fichier"})
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
	err = s.KeepUpload(c, up, func(keep files.KeepFunc) error {
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
