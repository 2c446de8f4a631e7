package citizen

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// conversationShow shows the thread of a private link: external messages
// only, the commune's new replies marked; then records them as read.
func (s *Handlers) conversationShow(c *gin.Context) {
	s.showConversation(c, http.StatusOK, "", nil)
}

func (s *Handlers) showConversation(c *gin.Context, status int, typed string, errs views.FormErrors) {
	ctx := c.Request.Context()
	cv, base := conversationOf(c)
	ms, err := models.Thread(ctx, s.DB, cv.CommuneID, cv.ID, true)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := views.CitizenConversation{Reference: cv.Reference, Subject: cv.Subject, StatusLabel: conversation.CitizenStatusLabel(cv.Status),
		Resolved: cv.Status == models.ConvResolved, Thread: web.Thread(ms, true, cv.CitizenSeenAt, web.FileURL(base)),
		Composer: s.Composer(base), Message: typed}
	if err := models.MarkReadByCitizen(ctx, s.DB, cv, s.Clock.Now()); err != nil {
		s.Fail(c, err)
		return
	}
	pg := s.Page(c, cv.Subject)
	pg.Errors = errs
	pg.Data = data
	s.Render(c, status, "citizen/conversation", pg)
}

// conversationFileDownload sends a file of the thread's external messages.
func (s *Handlers) conversationFileDownload(c *gin.Context) {
	cv, _ := conversationOf(c)
	f, err := models.ConversationFileByID(c.Request.Context(), s.DB, cv.CommuneID, cv.ID, web.IDParam(c, "id"), true)
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SendConversationFile(c, f)
}
