package backoffice

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/history"
	"guichet/models"
	"guichet/perm"
	"guichet/routing"
	"guichet/views"
	"guichet/workflow"
)

// agentConversation loads the conversation of the URL, as the agent may
// see it: another commune's, or one outside their scope, is not found.
func (s *Handlers) agentConversation(c *gin.Context) (*models.Conversation, bool) {
	cv, err := conversation.ForAgent(c.Request.Context(), s.DB, currentAgent(c), web.IDParam(c, "id"))
	if err != nil {
		s.Fail(c, err)
		return nil, false
	}
	return cv, true
}

// othersWithin: an agent who opened the conversation this recently may be writing in it.
const othersWithin = 10 * time.Minute

func conversationPath(id int64) string { return fmt.Sprintf("%s/%d", inboxPath, id) }

// conversationShow is a conversation's page: the whole thread, notes
// apart, the composer, assignment, status, team, tags and history.
func (s *Handlers) conversationShow(c *gin.Context) {
	cv, ok := s.agentConversation(c)
	if !ok {
		return
	}
	s.showAgentConversation(c, cv, http.StatusOK, composerState{}, nil)
}

// composerState is what an agent typed in a form of the page that was refused.
type composerState struct {
	mode, body, channel string
	articleQuery        string // the composer's search of articles
	errs                views.FormErrors
	form                map[string]any // the other forms' values (tag, merge, forward)
	// What was typed in a held reply's field (message or commentaire).
	pendingID                 int64
	pendingField, pendingText string
	// A refused escalation: what was typed, and the errors by input name.
	escalation, escalationErrs map[string]string
}

func (s *Handlers) showAgentConversation(c *gin.Context, cv *models.Conversation, status int, st composerState, flash *views.Flash) {
	ctx := c.Request.Context()
	a, cm := currentAgent(c), web.Commune(c)
	base := conversationPath(cv.ID)
	ms, err := models.Thread(ctx, s.DB, cm.ID, cv.ID, false)
	if err != nil {
		s.Fail(c, err)
		return
	}
	seen, err := models.AgentSeenAt(ctx, s.DB, a.ID, cv.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	evs, err := models.ConversationHistory(ctx, s.DB, cm.ID, cv.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	tags, err := models.ConversationTags(ctx, s.DB, cm.ID, cv.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	agents, err := models.ListAgents(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	teams, err := s.teamOptions(c)
	if err != nil {
		s.Fail(c, err)
		return
	}
	if st.mode == "" {
		st.mode = "reponse"
	}
	held, err := models.PendingReplies(ctx, s.DB, cm.ID, cv.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	replies, err := models.SavedReplies(ctx, s.DB, cm.ID, conversation.TeamOf(cv))
	if err != nil {
		s.Fail(c, err)
		return
	}
	d := views.AgentConversation{ID: cv.ID, Base: base, Reference: cv.Reference, Subject: cv.Subject, Status: cv.Status,
		StatusLabel: conversation.StatusLabel(cv.Status), Citizen: cv.CitizenName, CitizenEmail: cv.CitizenEmail,
		Channel: conversation.ChannelLabel(cv.Channel), Version: cv.Version, Merged: cv.MergedInto != nil,
		Thread: web.Thread(ms, false, seen, web.FileURL(base)), Composer: s.Composer(base + "/messages"),
		Teams: teams, ChannelOpts: channelOptions(), TeamValue: "accueil",
		Typed: st.body, Mode: st.mode, ChannelValue: st.channel, Priority: routing.PriorityLabel(cv.Priority)}
	if d.Undelivered, err = models.Undelivered(ctx, s.DB, cm.ID, cv.ID, false, cv.CitizenEmail); err != nil {
		s.Fail(c, err)
		return
	}
	mailed, err := models.MailedMessages(ctx, s.DB, cm.ID, cv.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	for i, m := range d.Thread {
		if mailed[m.ID] {
			d.Thread[i].SourceURL = fmt.Sprintf("%s/messages/%d/source", base, m.ID)
		}
	}
	d.AssignedToMe = cv.AssigneeID != nil && *cv.AssigneeID == a.ID
	d.RepliesHeld = a.Profile.Permissions.RepliesHeld()
	for _, r := range held {
		p := views.PendingReply{ID: r.ID, Author: r.AuthorName, At: r.CreatedAt, Version: r.Version, Returned: r.Status == models.ReplyReturned,
			Comment: r.Comment, ReturnedBy: r.ReturnedBy, Body: r.Body, Typed: r.Body,
			MayValidate: a.Has(perm.Validate) && r.Status == models.ReplyWaiting, MayRevise: r.AuthorID == a.ID,
			MessageID: pendingField(r.ID, "message"), CommentID: pendingField(r.ID, "commentaire")}
		if st.pendingID == r.ID && st.pendingField == "message" {
			p.Typed = st.pendingText
		}
		if st.pendingID == r.ID && st.pendingField == "commentaire" {
			p.TypedComment = st.pendingText
		}
		d.Pending = append(d.Pending, p)
	}
	for _, r := range replies {
		id := strconv.FormatInt(r.ID, 10)
		d.SavedReplies = append(d.SavedReplies, views.Option{Value: id, Label: r.Title})
		// Inserted (?modele=ID): the reply box starts with its text, variables filled.
		if id == c.Query("modele") && st.body == "" {
			var dm *models.Demand
			if cv.DemandID != nil {
				dm, _ = models.DemandByID(ctx, s.DB, cm.ID, *cv.DemandID)
			}
			d.Typed, d.Mode, d.SavedReply = conversation.Fill(r.Body, cm, cv, dm), "reponse", id
		}
	}
	if d.Articles, err = s.composerArticles(c, cv, st.articleQuery); err != nil {
		s.Fail(c, err)
		return
	}
	d.ArticleQuery = st.articleQuery
	for _, st := range conversation.Statuses {
		d.Statuses = append(d.Statuses, views.Option{Value: st.Value, Label: st.Label})
	}
	for _, ag := range agents {
		if ag.Active && ag.Converses() {
			d.Agents = append(d.Agents, views.Option{Value: strconv.FormatInt(ag.ID, 10), Label: ag.Name})
		}
		if cv.AssigneeID != nil && *cv.AssigneeID == ag.ID {
			d.Assignee, d.AssigneeValue = ag.Name, strconv.FormatInt(ag.ID, 10)
		}
	}
	d.Team = "Accueil"
	if cv.ServiceID != nil {
		d.TeamValue = strconv.FormatInt(*cv.ServiceID, 10)
		for _, t := range teams {
			if t.Value == d.TeamValue {
				d.Team = t.Label
			}
		}
	}
	switch {
	case cv.DemandID != nil:
		if dm, err := models.DemandByID(ctx, s.DB, cm.ID, *cv.DemandID); err == nil {
			d.About, d.AboutURL = "Demande "+dm.Reference, fmt.Sprintf("/gestion/demandes/%d", dm.ID)
		}
	case cv.ProcedureID != nil:
		if p, err := models.ProcedureByID(ctx, s.DB, cm.ID, *cv.ProcedureID); err == nil {
			d.About = "Démarche : " + p.Title
		}
	default:
		d.About = "Boîte générale de la mairie"
	}
	if cv.Follows != nil {
		if prev, err := models.ConversationByID(ctx, s.DB, cm.ID, *cv.Follows); err == nil {
			d.Follows, d.FollowsURL = prev.Reference, conversationPath(prev.ID)
		}
	}
	for _, t := range tags {
		d.Tags = append(d.Tags, t.Name)
	}
	for _, m := range ms {
		if m.AuthorKind == workflow.KindCitizen && !m.Internal {
			excerpt := []rune(m.Body)
			if len(excerpt) > 60 {
				excerpt = append(excerpt[:60], '…')
			}
			d.CitizenMessages = append(d.CitizenMessages, views.Option{Value: strconv.FormatInt(m.ID, 10),
				Label: m.CreatedAt.In(web.Paris).Format("02/01/2006 15:04") + " — " + string(excerpt)})
		}
	}
	slices.Reverse(d.CitizenMessages) // the latest first
	for _, ev := range evs {
		d.History = append(d.History, views.HistoryItem{At: ev.At, Title: history.AgentTitle(ev), Actor: ev.ActorName, Internal: ev.Visibility == models.Internal})
	}
	if d.Escalation, err = s.escalationPanel(c, "conversation_id", cv.ID, base, st.escalation, st.escalationErrs); err != nil {
		s.Fail(c, err)
		return
	}
	if d.Others, err = models.RecentReaders(ctx, s.DB, cm.ID, cv.ID, a.ID, s.Clock.Now().Add(-othersWithin)); err != nil {
		s.Fail(c, err)
		return
	}
	if err := models.MarkReadByAgent(ctx, s.DB, cv.CommuneID, a.ID, cv.ID, s.Clock.Now()); err != nil {
		s.Fail(c, err)
		return
	}
	pg := s.Page(c, cv.Subject)
	if flash != nil {
		pg.Flash = flash
	}
	pg.Errors, pg.Form, pg.Data = st.errs, st.form, d
	s.Render(c, status, "agent/conversation", pg)
}

// conversationMessageSource shows the mail a message came in, as received.
func (s *Handlers) conversationMessageSource(c *gin.Context) {
	cv, ok := s.agentConversation(c)
	if !ok {
		return
	}
	m, err := models.InboundOfMessage(c.Request.Context(), s.DB, cv.CommuneID, cv.ID, web.IDParam(c, "mid"))
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.sendSource(c, m)
}

// conversationFileDownload sends a file of the conversation.
func (s *Handlers) conversationFileDownload(c *gin.Context) {
	cv, ok := s.agentConversation(c)
	if !ok {
		return
	}
	f, err := models.ConversationFileByID(c.Request.Context(), s.DB, cv.CommuneID, cv.ID, web.IDParam(c, "fid"), false)
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SendConversationFile(c, f)
}

// composerArticles are the public articles the reply composer offers to
// link to: those matching q, or else the ones tied to the conversation's
// procedure first, then the others by title.
func (s *Handlers) composerArticles(c *gin.Context, cv *models.Conversation, q string) ([]views.ArticleLink, error) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	var as []models.Article
	if q == "" && cv.ProcedureID != nil {
		tied, err := models.ListArticles(ctx, s.DB, cm.ID, models.ArticleFilter{PublicOnly: true, ProcedureID: *cv.ProcedureID, Limit: composerArticleCount})
		if err != nil {
			return nil, err
		}
		as = tied
	}
	rest, err := models.ListArticles(ctx, s.DB, cm.ID, models.ArticleFilter{PublicOnly: true, Text: q, Limit: composerArticleCount})
	if err != nil {
		return nil, err
	}
	var out []views.ArticleLink
	seen := map[int64]bool{}
	for _, a := range append(as, rest...) {
		if !seen[a.ID] && len(out) < composerArticleCount {
			seen[a.ID] = true
			out = append(out, views.ArticleLink{Value: strconv.FormatInt(a.ID, 10), Label: a.Title, Line: s.articleLine(cm, &a)})
		}
	}
	return out, nil
}

// composerArticleCount is how many articles the composer's list holds.
const composerArticleCount = 50
