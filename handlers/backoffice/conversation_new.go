package backoffice

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

var openFields = []string{"demande", "objet", "demarche", "canal", "message", "nom", "email"}

// conversationNew is the form an agent opens a conversation with, on behalf
// of a citizen (a call, a visit) or of a third party: the address given is
// the one answered. From a demand's page (?demande=ID) it is about that demand.
func (s *Handlers) conversationNew(c *gin.Context) {
	typed := map[string]any{"demande": c.Query("demande"), "canal": models.ChannelPhone}
	if id, _ := strconv.ParseInt(c.Query("demande"), 10, 64); id != 0 {
		d, ok := s.visibleDemand(c, id)
		if !ok {
			return
		}
		typed["email"], typed["nom"], typed["objet"] = d.CitizenEmail, d.CitizenName, "Demande "+d.Reference
	}
	s.showConversationNew(c, http.StatusOK, typed, nil)
}

// visibleDemand is a demand of the agent's commune they may see.
func (s *Handlers) visibleDemand(c *gin.Context, id int64) (*models.Demand, bool) {
	d, err := models.DemandByID(c.Request.Context(), s.DB, web.Commune(c).ID, id)
	if err == nil && !workflow.AgentActor(currentAgent(c)).MaySee(d) {
		err = models.ErrNotFound
	}
	if err != nil {
		s.Fail(c, err)
		return nil, false
	}
	return d, true
}

func (s *Handlers) showConversationNew(c *gin.Context, status int, typed map[string]any, errs views.FormErrors) {
	data := views.ConversationStart{Chans: channelOptions(), Composer: s.Composer(inboxPath)}
	data.DemandID, _ = typed["demande"].(string)
	if id, _ := strconv.ParseInt(data.DemandID, 10, 64); id != 0 {
		if d, err := models.DemandByID(c.Request.Context(), s.DB, web.Commune(c).ID, id); err == nil {
			data.Demand = d.Reference
		}
	}
	ps, err := models.AllProcedures(c.Request.Context(), s.DB, web.Commune(c).ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	for _, p := range ps {
		data.Procs = append(data.Procs, views.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title})
	}
	pg := s.Page(c, "Ouvrir une conversation")
	pg.Form, pg.Errors, pg.Data = typed, errs, data
	s.Render(c, status, "agent/conversation_new", pg)
}

// conversationCreate opens the conversation, assigned to the agent, with
// its first message e-mailed to the citizen with their private link.
func (s *Handlers) conversationCreate(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	mf, err := s.ReadMessageForm(c, cm.ID, 0, openFields, func(t map[string]string) bool { return t["message"] != "" && t["email"] != "" && t["objet"] != "" })
	if err != nil {
		s.Fail(c, err)
		return
	}
	typed := mf.Typed()
	if mf.Refusal != "" {
		mf.Discard()
		s.showConversationNew(c, http.StatusUnprocessableEntity, typed, views.FormErrors{"fichier": mf.Refusal})
		return
	}
	in := conversation.OpenInput{Subject: mf.Text["objet"], Email: mf.Text["email"], Name: mf.Text["nom"],
		Message: conversation.MessageInput{Body: mf.Text["message"], Channel: mf.Text["canal"]}}
	in.ProcedureID, _ = strconv.ParseInt(mf.Text["demarche"], 10, 64)
	if id, _ := strconv.ParseInt(mf.Text["demande"], 10, 64); id != 0 {
		d, ok := s.visibleDemand(c, id)
		if !ok {
			mf.Discard()
			return
		}
		in.DemandID = d.ID
	}
	var cv *models.Conversation
	err = s.Keep(c, mf, func(ups []conversation.Upload) error {
		in.Message.Files = ups
		var err error
		cv, _, err = s.Conversations.Open(ctx, cm, workflow.AgentActor(currentAgent(c)), in)
		return err
	})
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		s.showConversationNew(c, web.StatusOf(e.Code), typed, web.MessageErrors(e.Fields, nil, "fichier", mf))
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(jobs.MailJob)
	s.SetFlash(c, views.FlashSuccess, "Conversation ouverte et attribuée à vous. L'usager a reçu par e-mail le message et son lien personnel.")
	web.Redirect(c, conversationPath(cv.ID))
}
