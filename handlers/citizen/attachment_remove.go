package citizen

import (
	"errors"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/models"
	"guichet/workflow"
)

// attachmentRemove takes a file off a draft or a demand being corrected.
func (s *Handlers) attachmentRemove(c *gin.Context) {
	ctx := c.Request.Context()
	d, p, _ := followed(c)
	if !workflow.CitizenMayEdit(d.State) {
		s.notEditable(c)
		return
	}
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	a, err := models.AttachmentByID(ctx, s.DB, d.CommuneID, d.ID, id)
	if err == nil && a.UploadedBy != workflow.KindCitizen {
		err = models.ErrNotFound // an internal file is none of the citizen's business
	}
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		s.Fail(c, err)
		return
	}
	// The no-JavaScript button brings the whole form: read it, keep it.
	post, rerr := s.readDemandPost(c, d, p)
	if rerr != nil {
		s.Fail(c, rerr)
		return
	}
	field, status := c.Query("champ"), map[string]string{}
	if err == nil {
		err := models.RemoveAttachment(ctx, s.DB, a, workflow.CitizenEditable)
		if errors.Is(err, models.ErrNotEditable) {
			s.notEditable(c)
			return
		}
		if err != nil {
			s.Fail(c, err)
			return
		}
		s.RemoveUnusedFile(c, a.SHA256)
		field = a.Field
		status[field] = "Fichier retiré : « " + a.Filename + " »."
	} else if field != "" {
		status[field] = "Ce fichier avait déjà été retiré."
	}
	s.afterFileAction(c, post, field, status)
}
