package citizen

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/forms"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// attachmentUpload attaches the files just chosen. With htmx, it answers the
// file field's block alone; without JavaScript, the whole form came along:
// a draft is saved with it, a correction is shown again as typed.
func (s *Handlers) attachmentUpload(c *gin.Context) {
	d, p, _ := followed(c)
	if !workflow.CitizenMayEdit(d.State) {
		s.notEditable(c)
		return
	}
	post, err := s.readDemandPost(c, d, p)
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.afterFileAction(c, post, c.Query("champ"), attachedStatus(post))
}

// afterFileAction answers an upload or a removal.
func (s *Handlers) afterFileAction(c *gin.Context, post *demandPost, field string, status map[string]string) {
	ctx := c.Request.Context()
	d, p, base := followed(c)
	if c.GetHeader("HX-Request") == "true" {
		f, ok := web.ProcedureField(p, field)
		if !ok || f.Type != "file" {
			c.Status(http.StatusNoContent)
			return
		}
		atts, err := models.CitizenAttachments(ctx, s.DB, d.CommuneID, d.ID)
		if err != nil {
			s.Fail(c, err)
			return
		}
		// 200 even with an error: htmx swaps only successful answers.
		s.Views.Fragment(c.Writer, http.StatusOK, "file_widget", s.formField(base, "", d, p, f, atts, formState{errs: post.fileErrs, fileStatus: status}))
		c.Abort()
		return
	}
	st := formState{errs: post.fileErrs, fileStatus: status}
	if post.hasForm {
		st.values, _ = forms.Read(p.Form, post.values)
		if d.State == workflow.Draft {
			if err := models.SaveDraft(ctx, s.DB, d.CommuneID, d.ID, st.values); err != nil {
				s.Fail(c, err)
				return
			}
		}
	}
	if d.State == workflow.Draft && len(st.errs) == 0 {
		var msgs []string
		for _, f := range p.Form {
			if status[f.Name] != "" {
				msgs = append(msgs, status[f.Name])
			}
		}
		msg := strings.Join(append(msgs, "Brouillon enregistré."), " ")
		s.SetFlash(c, views.FlashSuccess, msg)
		to := base
		if field != "" {
			to += "#" + web.FieldID(field)
		}
		web.Redirect(c, to)
		return
	}
	code := http.StatusOK
	if len(st.errs) > 0 {
		code = http.StatusUnprocessableEntity
	}
	s.showDemand(c, code, st, nil)
}
