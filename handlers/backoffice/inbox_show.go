package backoffice

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/conversation"
	"guichet/deadline"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

const inboxPath = "/gestion/messages"

var viewLabels = map[string]string{
	models.ViewMine: "Mes conversations", models.ViewUnassigned: "Non attribuées", models.ViewOpen: "Toutes ouvertes",
	models.ViewWaiting: "En attente de l'usager", models.ViewResolved: "Résolues",
	models.ViewToValidate: "À valider",
}

func readInboxQuery(c *gin.Context) views.InboxQuery {
	q := views.InboxQuery{View: c.Query("vue"), Q: strings.TrimSpace(c.Query("q")), Tag: c.Query("etiquette"), Team: c.Query("equipe"),
		Procedure: c.Query("demarche"), Channel: c.Query("canal"), From: c.Query("du"), To: c.Query("au")}
	if c.Query("tri") == models.SortDue {
		q.Sort = models.SortDue
	}
	if !slices.Contains(models.InboxViews, q.View) {
		q.View = models.ViewOpen
	}
	return q
}

// inboxValues is the inbox's query string, without its page position.
func inboxValues(q views.InboxQuery) url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"vue": q.View, "q": q.Q, "etiquette": q.Tag, "equipe": q.Team, "demarche": q.Procedure, "canal": q.Channel, "du": q.From, "au": q.To, "tri": q.Sort} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

// inboxShow is the "Messages" inbox: a view (mine, unassigned, open,
// waiting, resolved) with every view's count, filters, French full-text
// search over subjects and messages, newest activity first, paged by keyset.
func (s *Handlers) inboxShow(c *gin.Context) {
	ctx := c.Request.Context()
	a, cm := currentAgent(c), web.Commune(c)
	q := readInboxQuery(c)
	f := conversation.Scope(a)
	f.View, f.Text, f.Channel, f.ByDue = q.View, q.Q, q.Channel, q.Sort == models.SortDue
	f.TagID, _ = strconv.ParseInt(q.Tag, 10, 64)
	f.ProcedureID, _ = strconv.ParseInt(q.Procedure, 10, 64)
	if q.Team == "accueil" {
		f.ServiceID = -1
	} else {
		f.ServiceID, _ = strconv.ParseInt(q.Team, 10, 64)
	}
	errs := views.FormErrors{}
	f.From, f.To = web.DayRange(q.From, q.To, errs)
	link := func(edit func(url.Values)) string {
		v := inboxValues(q)
		if edit != nil {
			edit(v)
		}
		if len(v) == 0 {
			return inboxPath
		}
		return inboxPath + "?" + v.Encode()
	}
	cur, ok := web.ListKeyset.Cursor(c)
	if !ok {
		s.BadCursor(c, link(nil))
		return
	}
	rdb := s.ReadDB(c)
	rows, more, err := models.ListInbox(ctx, rdb, cm.ID, f, cur, web.PageSize)
	if errors.Is(err, models.ErrBadCursor) {
		s.BadCursor(c, link(nil))
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	counts, err := models.CountInbox(ctx, rdb, cm.ID, f)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := views.InboxPage{Query: q, Path: inboxPath, Pages: web.PageLinks(web.ListKeyset, rows, cur, more, link),
		Capped: counts.Capped, CountCap: models.CountCap,
		SortURL: link(func(v url.Values) { v.Del("tri") }), DueSortURL: link(func(v url.Values) { v.Set("tri", models.SortDue) })}
	now := s.Clock.Now()
	if !a.Profile.Permissions.RepliesHeld() { // opening one mails the citizen
		data.NewURL = inboxPath + "/nouvelle"
	}
	for _, v := range models.InboxViews {
		n, counted := counts.ByView[v]
		data.Views = append(data.Views, views.InboxView{Label: viewLabels[v], Count: n, Counted: counted, Current: v == q.View,
			URL: link(func(vals url.Values) { vals.Set("vue", v) })})
	}
	for _, r := range rows {
		team := r.ServiceName
		if team == "" {
			team = "Accueil"
		}
		citizen := r.CitizenEmail
		if r.CitizenName != "" {
			citizen = r.CitizenName
		}
		data.Rows = append(data.Rows, views.InboxRow{URL: fmt.Sprintf("%s/%d", inboxPath, r.ID), Reference: r.Reference, Subject: r.Subject,
			Status: r.Status, StatusLabel: conversation.StatusLabel(r.Status), Citizen: citizen, Assignee: r.AssigneeName, Team: team,
			LastMessageAt: r.LastMessageAt, Due: deadline.DueOf(r.DueAt, now), Unread: r.Unread})
	}
	if err := s.inboxOptions(c, &data); err != nil {
		s.Fail(c, err)
		return
	}
	pg := s.Page(c, "Messages")
	pg.Errors, pg.Data, pg.Wide = errs, data, true
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.Render(c, status, "agent/inbox", pg)
}

// inboxOptions fills the filters' choices: tags, teams, procedures, channels.
func (s *Handlers) inboxOptions(c *gin.Context, data *views.InboxPage) error {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	tags, err := models.Tags(ctx, s.DB, cm.ID)
	if err != nil {
		return err
	}
	for _, t := range tags {
		data.Tags = append(data.Tags, views.Option{Value: strconv.FormatInt(t.ID, 10), Label: t.Name})
	}
	teams, err := s.teamOptions(c)
	if err != nil {
		return err
	}
	data.Teams = teams
	ps, err := models.AllProcedures(ctx, s.DB, cm.ID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		data.Procs = append(data.Procs, views.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title})
	}
	data.Chans = channelOptions()
	return nil
}

// teamOptions are the teams a conversation may have: the accueil, then the active services.
func (s *Handlers) teamOptions(c *gin.Context) ([]views.Option, error) {
	svcs, err := models.ListServices(c.Request.Context(), s.DB, web.Commune(c).ID, true)
	if err != nil {
		return nil, err
	}
	out := []views.Option{{Value: "accueil", Label: "Accueil"}}
	for _, sv := range svcs {
		out = append(out, views.Option{Value: strconv.FormatInt(sv.ID, 10), Label: sv.Name})
	}
	return out, nil
}

func channelOptions() []views.Option {
	var out []views.Option
	for _, ch := range conversation.Channels {
		out = append(out, views.Option{Value: ch.Value, Label: ch.Label})
	}
	return out
}
