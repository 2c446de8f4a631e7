package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// followUpsData is the Data of "supervisor/followups".
type followUpsData struct {
	Open, Closed []models.FollowUpRow
}

// followUpsShow lists the follow-ups that ratings of 1 or 2 opened: the
// rating, the comment, a link to the demand or conversation, and a form
// to record what was done and close it; then the ones closed.
func (s *Handlers) followUpsShow(c *gin.Context) {
	s.showFollowUps(c, http.StatusOK, nil, nil)
}

func (s *Handlers) showFollowUps(c *gin.Context, status int, typed map[string]any, errs views.FormErrors) {
	ctx := c.Request.Context()
	com := web.Commune(c)
	var data followUpsData
	var err error
	if data.Open, err = models.ListFollowUps(ctx, s.DB, com.ID, models.FollowUpOpen); err != nil {
		s.Fail(c, err)
		return
	}
	if data.Closed, err = models.ListFollowUps(ctx, s.DB, com.ID, models.FollowUpClosed); err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, "Suivi des notes basses")
	p.Form, p.Errors, p.Data = typed, errs, data
	s.Render(c, status, "supervisor/followups", p)
}
