package backoffice

import (
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/calendar"
	"guichet/conversation"
	"guichet/deadline"
	"guichet/files"
	"guichet/handlers/web"
	"guichet/history"
	"guichet/legal"
	"guichet/models"
	"guichet/perm"
	"guichet/views"
	"guichet/workflow"
)

// The back office's page of one demand: its data, files and whole history,
// and exactly the actions the agent may take now, each with its input and a
// confirmation.

// agentAction is an action of the demand page: a workflow event and its form.
type agentAction struct {
	Slug    string
	Event   workflow.Event
	Title   string // the form's heading and button
	Help    string
	Confirm string // the confirmation checkbox's label
	Message string // label of the message box; empty: none
	Hint    string // hint of the message box
	// Optional: the message box may stay empty.
	Optional bool
	Service  bool // choose a service
	Fields   bool // choose the fields to correct
	Due      bool // the day the correction is due by
	Danger   bool
}

var agentActions = []agentAction{
	{Slug: "accepter", Event: workflow.Accept, Title: "Accepter la demande",
		Help:    "La demande est close favorablement ; l'usager en est informé par e-mail.",
		Confirm: "Je confirme l'acceptation de cette demande."},
	{Slug: "correction", Event: workflow.RequestCorrection, Title: "Demander une correction",
		Help:    "L'usager reçoit votre message par e-mail et peut modifier sa demande ; elle vous revient ensuite.",
		Confirm: "Je confirme l'envoi de cette demande de correction à l'usager.",
		Message: "Ce que l'usager doit corriger ou compléter", Hint: "Ce message est envoyé tel quel à l'usager.", Fields: true, Due: true},
	{Slug: "transmettre", Event: workflow.Transfer, Title: "Transmettre à un service",
		Help:    "Le service reçoit un lien par e-mail pour traiter la demande ; l'usager est prévenu de la transmission.",
		Confirm: "Je confirme la transmission à ce service.", Service: true,
		Message: "Message pour le service (facultatif)", Optional: true,
		Hint: "Le service le lit sur la page de son lien, sous « Message et notes de l'accueil » ; l'usager ne le voit pas."},
	{Slug: "refuser", Event: workflow.Refuse, Title: "Refuser la demande",
		Help:    "La demande est close défavorablement ; l'usager reçoit le motif par e-mail.",
		Confirm: "Je confirme le refus de cette demande.",
		Message: "Motif du refus", Hint: "Ce motif est envoyé tel quel à l'usager : soyez clair et courtois.", Danger: true},
	{Slug: "archiver", Event: workflow.Archive, Title: "Archiver la demande",
		Help:    "La demande décidée quitte les listes courantes ; elle reste consultable et exportable.",
		Confirm: "Je confirme l'archivage de cette demande."},
}

func actionBySlug(slug string) (agentAction, bool) {
	for _, a := range agentActions {
		if a.Slug == slug {
			return a, true
		}
	}
	return agentAction{}, false
}

// actionForm is one action form as the page shows it.
type actionForm struct {
	agentAction
	Values map[string]any    // what was typed, when this form was sent
	Errors map[string]string // by input name
}

// FieldID is the id of one of the form's inputs: every action form has a
// message, so ids carry the action's slug.
func (f actionForm) FieldID(name string) string { return f.Slug + "-" + name }

// demandState is what the demand page shows besides the stored demand: the
// form that was sent, and what came of it.
type demandState struct {
	action string            // slug of the form sent ("note", "piece" or an action's)
	values map[string]any    // what was typed
	errs   map[string]string // by input name
	lost   string            // text typed for an action no longer possible
	// escalation: what a refused escalation typed (action "escalade").
	escalation map[string]string
}

// agentDemandData is the Data of "agent/demand" and "agent/print".
type agentDemandData struct {
	Demand              *models.Demand
	Procedure           *models.Procedure
	FormVersion         string          // the version of the form it was filled in with
	Service             *models.Service // holding it, or the last one that did
	Data                []views.DataRow
	Files               []views.FileRow // the citizen's, and those agents and services added
	ToCorrect           []string        // labels of the fields the pending correction names
	CorrectionByService bool
	LastReturn          *demandReturn // the last time a service sent it back, if ever
	History             []views.HistoryItem
	Openings            []views.HistoryItem // who opened it; nil unless the agent supervises
	Supervises          bool
	Actions             []actionForm
	Services            []views.Option
	FormFields          []views.Option // fields a correction may name
	CanNote             bool           // and add a file
	Note                string
	NoteError           string
	FileError           string
	Lost                string
	Version             int
	BackURL             string // the list the agent came from
	BackQuery           string // keeps BackURL on the page's links and forms
	PrintURL            string
	MaxFileSize         string
	Accepted            string
	Extensions          string
	Motif               string       // the demand's motif, by its path
	Deadline            web.Deadline // its implicit decision
	Silence             string       // what the silence means, for its procedure
	CorrectionDue       string       // the day a pending correction is due by
	DefaultDue          string       // the correction form's default day, ISO
	Motifs              []views.Option
	CanReclassify       bool
	MotifValue          string // the motif chosen, as sent
	MotifError          string
	Tags                []string
	// Conversations about the demand, and where to open one.
	Conversations   []views.InboxRow
	NewConversation string
	// Undelivered: a mail to the citizen about the demand came back (a bounce).
	Undelivered bool
	Routing     demandRouting
	Escalation  *views.EscalationPanel
}

// demandRouting is what routing rules set on the demand, as the page shows
// it, and whether the agent may run the rules (perm.Decide).
type demandRouting struct {
	Team, Assignee string // "" : none
	Proposed       *models.Service
	ProposedBy     string
	CanRun         bool
	Policy         string       // the deadline policy in effect, "" for none
	Due            deadline.Due // its next due time
}

// demandReturn is a service sending a demand back to the accueil.
type demandReturn struct {
	ServiceID int64
	Service   string // and the name the person gave, if any
	At        time.Time
	Reason    string
}

// lastReturn is the demand's last return to the accueil, nil if none.
func lastReturn(evs []models.Event) *demandReturn {
	for i := len(evs) - 1; i >= 0; i-- {
		if ev := evs[i]; ev.Kind == string(workflow.ReturnToGuichet) && ev.ActorID != nil {
			return &demandReturn{ServiceID: *ev.ActorID, Service: ev.ActorName, At: ev.At, Reason: ev.Message}
		}
	}
	return nil
}

// backParam carries to a demand's page, and from there to its forms and
// redirects, the list the agent opened it from, filters and page included.
const backParam = "retour"

// backURL is the list of the request's retour parameter when it is one of
// the back office's lists, else the accueil's queue: never another address.
func backURL(c *gin.Context) string {
	u, err := url.Parse(c.Query(backParam))
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		(u.Path != queueScope.Path && u.Path != allScope.Path) {
		return queueScope.Path
	}
	return (&url.URL{Path: u.Path, RawQuery: u.Query().Encode()}).String()
}

// backQuery is the query string that carries back (none for the queue, the default).
func backQuery(back string) string {
	if back == queueScope.Path {
		return ""
	}
	return "?" + url.Values{backParam: {back}}.Encode()
}

// demandBackURL is a demand's page, with the list to go back to.
func demandBackURL(id int64, back string) string { return demandURL(id) + backQuery(back) }

// agentDemand loads the demand of the URL, if the agent may see it
// (workflow.Actor.MaySee: their commune, their profile's procedures, not a
// draft unless they supervise); else the page does not exist (404).
func (s *Handlers) agentDemand(c *gin.Context) (*models.Demand, bool) {
	return s.visibleDemand(c, web.IDParam(c, "id"))
}

// recordOpening records that the agent opened the demand's page, at most
// once an hour per agent and demand (history.OpeningEvery).
func (s *Handlers) recordOpening(c *gin.Context, d *models.Demand, view string) error {
	a := currentAgent(c)
	_, err := history.RecordOnce(c.Request.Context(), s.DB, &models.Event{
		CommuneID: d.CommuneID, DemandID: d.ID, Kind: history.KindDemandOpened,
		ActorKind: workflow.KindAgent, ActorID: &a.ID, ActorName: a.Name, Channel: workflow.ChannelWeb,
		Details: map[string]any{"view": view},
	}, s.Clock.Now(), history.OpeningEvery)
	return err
}

// lifecycle is the lifecycle of a demand: its procedure's.
func (s *Handlers) lifecycle(c *gin.Context, d *models.Demand) (*workflow.Definition, error) {
	ctx := c.Request.Context()
	p, err := models.DemandProcedure(ctx, s.DB, d)
	if err != nil {
		return nil, err
	}
	return workflow.For(p), nil
}

// demandData gathers what the demand page and its print view show.
func (s *Handlers) demandData(c *gin.Context, d *models.Demand, st demandState) (*agentDemandData, error) {
	ctx := c.Request.Context()
	a := currentAgent(c)
	p, err := models.DemandProcedure(ctx, s.DB, d)
	if err != nil {
		return nil, err
	}
	atts, err := models.Attachments(ctx, s.DB, d.CommuneID, d.ID)
	if err != nil {
		return nil, err
	}
	hist, err := models.History(ctx, s.DB, d.CommuneID, d.ID, false)
	if err != nil {
		return nil, err
	}
	base, back := demandURL(d.ID), backURL(c)
	data := &agentDemandData{Demand: d, Procedure: p, FormVersion: web.VersionText(p), Version: d.Version, Data: web.DemandFields(p, d),
		Files: web.DemandFiles(p, atts, base), History: web.HistoryItems(p, hist), Lost: st.lost,
		BackURL: back, BackQuery: backQuery(back), PrintURL: base + "/impression" + backQuery(back),
		MaxFileSize: web.LimitSize(s.Config.MaxFileSize), Accepted: files.AcceptedLabels(), Extensions: files.Extensions,
		LastReturn: lastReturn(hist), Supervises: a.Has(perm.Supervise)}
	if data.Supervises {
		data.Openings = web.Openings(hist)
	}
	if d.ServiceID != nil {
		if data.Service, err = models.ServiceByID(ctx, s.DB, d.CommuneID, *d.ServiceID); err != nil {
			return nil, err
		}
	}
	tree, err := models.Motifs(ctx, s.DB, d.CommuneID)
	if err != nil {
		return nil, err
	}
	today := calendar.DateOf(s.Clock.Now())
	data.Motif, data.Deadline, data.Silence = tree.PathOf(d.MotifID), web.ImplicitDeadline(d, today), p.Silence.Label()
	data.DefaultDue = today.AddDays(workflow.CorrectionDays).String()
	if due, ok := models.Day(d.CorrectionDueOn); ok {
		data.CorrectionDue = legal.Day(due)
	}
	if data.CanReclassify = workflow.AgentActor(a).MayReclassify(d); data.CanReclassify {
		for _, n := range tree {
			if !n.Inactive {
				data.Motifs = append(data.Motifs, views.Option{Value: strconv.FormatInt(n.ID, 10), Label: n.Path})
			}
		}
		data.MotifValue = ""
		if d.MotifID != nil {
			data.MotifValue = strconv.FormatInt(*d.MotifID, 10)
		}
	}
	labels := web.FieldLabels(p)
	data.FormFields = web.CorrectionFields(p)
	if d.State == workflow.CorrectionRequested {
		data.CorrectionByService = d.CorrectionBy != nil && *d.CorrectionBy == "service"
		for _, name := range d.CorrectionFields {
			data.ToCorrect = append(data.ToCorrect, labelOr(labels, name))
		}
	}

	actor := workflow.AgentActor(a)
	allowed := workflow.For(p).Allowed(d, actor)
	for _, act := range agentActions {
		if !slices.Contains(allowed, act.Event) {
			continue
		}
		f := actionForm{agentAction: act}
		if st.action == act.Slug {
			f.Values, f.Errors = st.values, st.errs
		}
		data.Actions = append(data.Actions, f)
	}
	if slices.ContainsFunc(data.Actions, func(f actionForm) bool { return f.Service }) {
		if data.Services, err = s.serviceOptions(c, d.CommuneID, true); err != nil {
			return nil, err
		}
		// Sending it back where it just came from must be a choice made knowingly.
		if r := data.LastReturn; r != nil {
			for i, o := range data.Services {
				if o.Value == strconv.FormatInt(r.ServiceID, 10) {
					data.Services[i].Label += " — a renvoyé cette demande le " + r.At.In(web.Paris).Format("02/01/2006")
				}
			}
		}
	}
	if data.Routing, err = s.routingData(c, d, data.Actions); err != nil {
		return nil, err
	}
	// Whoever may write a note may add a file (workflow: Note, AddFile).
	data.CanNote = d.State != workflow.Draft
	switch st.action {
	case "note":
		data.Note, _ = st.values["message"].(string)
		data.NoteError = st.errs["message"]
	case "piece":
		data.FileError = st.errs["fichier"]
	case "motif":
		data.MotifValue, _ = st.values["motif"].(string)
		data.MotifError = st.errs["motif"]
	}
	var escErrs map[string]string
	if st.action == "escalade" {
		escErrs = st.errs
	}
	if data.Escalation, err = s.escalationPanel(c, "demand_id", d.ID, base, st.escalation, escErrs); err != nil {
		return nil, err
	}
	tags, err := models.DemandTags(ctx, s.DB, d.CommuneID, d.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		data.Tags = append(data.Tags, t.Name)
	}
	if data.Undelivered, err = models.Undelivered(ctx, s.DB, d.CommuneID, d.ID, true, d.CitizenEmail); err != nil {
		return nil, err
	}
	// The demand's conversations are for the agents who reply to citizens.
	if currentAgent(c).Converses() {
		cvs, err := models.ConversationsOfDemand(ctx, s.DB, d.CommuneID, d.ID)
		if err != nil {
			return nil, err
		}
		scope := conversation.Scope(currentAgent(c))
		for _, cv := range cvs {
			if scope.MayRead(&cv) {
				data.Conversations = append(data.Conversations, views.InboxRow{URL: conversationPath(cv.ID), Reference: cv.Reference,
					Subject: cv.Subject, Status: cv.Status, StatusLabel: conversation.StatusLabel(cv.Status), LastMessageAt: cv.LastMessageAt})
			}
		}
		data.NewConversation = inboxPath + "/nouvelle?demande=" + strconv.FormatInt(d.ID, 10)
	}
	return data, nil
}

// routingData names the demand's team, assignee and proposed transfer
// (offered only while the agent may transfer it).
func (s *Handlers) routingData(c *gin.Context, d *models.Demand, actions []actionForm) (demandRouting, error) {
	ctx := c.Request.Context()
	r := demandRouting{ProposedBy: d.ProposedBy, CanRun: d.State != workflow.Draft && currentAgent(c).Has(perm.Decide)}
	if d.TeamServiceID != nil {
		sv, err := models.ServiceByID(ctx, s.DB, d.CommuneID, *d.TeamServiceID)
		if err != nil {
			return r, err
		}
		r.Team = sv.Name
	}
	if d.AssigneeID != nil {
		ag, err := models.AgentByID(ctx, s.DB, d.CommuneID, *d.AssigneeID)
		if err != nil {
			return r, err
		}
		r.Assignee = ag.Name
	}
	if d.DeadlinePolicyID != nil {
		p, err := models.DeadlinePolicyByID(ctx, s.DB, d.CommuneID, *d.DeadlinePolicyID)
		if err != nil {
			return r, err
		}
		r.Policy, r.Due = p.Name, deadline.DueOf(d.DueAt, s.Clock.Now())
	}
	if d.ProposedServiceID != nil && slices.ContainsFunc(actions, func(f actionForm) bool { return f.Event == workflow.Transfer }) {
		sv, err := models.ServiceByID(ctx, s.DB, d.CommuneID, *d.ProposedServiceID)
		if err != nil {
			return r, err
		}
		if sv.Active {
			r.Proposed = sv
		}
	}
	return r, nil
}

// showAgentDemand renders the demand page.
func (s *Handlers) showAgentDemand(c *gin.Context, d *models.Demand, st demandState, status int, flash *views.Flash) {
	data, err := s.demandData(c, d, st)
	if err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, "Demande "+d.Reference)
	if flash != nil {
		p.Flash = flash
	}
	p.Errors = views.FormErrors{}
	for name, msg := range st.errs {
		id := st.action + "-" + name
		p.Errors[id] = msg
	}
	p.Data = data
	s.Render(c, status, "agent/demand", p)
}

func labelOr(labels map[string]string, name string) string {
	if l, ok := labels[name]; ok {
		return l
	}
	return name
}

// demandFormValues reads an action form's inputs, as typed.
func demandFormValues(c *gin.Context) map[string]any {
	return map[string]any{
		"message":  c.PostForm("message"),
		"service":  c.PostForm("service"),
		"champs":   c.PostFormArray("champs"),
		"echeance": c.PostForm("echeance"),
	}
}
