package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// savedRepliesShow lists the commune's saved replies with their use, and
// the form that adds one, for everyone or one team.
func (s *Handlers) savedRepliesShow(c *gin.Context) {
	s.showSavedReplies(c, http.StatusOK, nil, nil)
}

func (s *Handlers) showSavedReplies(c *gin.Context, status int, typed map[string]any, errs views.FormErrors) {
	rs, err := models.SavedReplies(c.Request.Context(), s.DB, web.Commune(c).ID, "")
	if err != nil {
		s.Fail(c, err)
		return
	}
	teams, err := s.teamOptions(c)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := views.SavedRepliesPage{Teams: teams}
	for _, v := range conversation.Variables {
		data.Variables = append(data.Variables, views.Option{Value: v.Name, Label: v.Meaning})
	}
	for _, r := range rs {
		team := "Tout le monde"
		for _, t := range teams {
			if t.Value == r.Team {
				team = t.Label
			}
		}
		data.Replies = append(data.Replies, views.SavedReplyRow{Title: r.Title, Body: r.Body, Team: team, Uses: r.Uses})
	}
	pg := s.Page(c, "Réponses enregistrées")
	pg.Form, pg.Errors, pg.Data = typed, errs, data
	s.Render(c, status, "agent/saved_replies", pg)
}

// savedReplyCreate adds a saved reply.
func (s *Handlers) savedReplyCreate(c *gin.Context) {
	typed := map[string]any{"titre": c.PostForm("titre"), "texte": c.PostForm("texte"), "equipe": c.PostForm("equipe")}
	_, err := s.Conversations.SaveReply(c.Request.Context(), workflow.AgentActor(currentAgent(c)), c.PostForm("titre"), c.PostForm("texte"), c.PostForm("equipe"))
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		s.showSavedReplies(c, web.StatusOf(e.Code), typed, e.Fields)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Réponse enregistrée.")
	web.Redirect(c, inboxPath+"/reponses")
}
