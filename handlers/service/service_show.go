package service

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/files"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/servicelink"
	"guichet/views"
	"guichet/workflow"
)

// serviceShow is the page a service's link opens: the demand, and while the
// service holds it, the forms of what it may do. It only shows (mail
// scanners follow links), and records the opening.
func (s *Handlers) serviceShow(c *gin.Context) {
	s.serviceView(c, "page", "service/show")
}

func (s *Handlers) serviceView(c *gin.Context, view, page string) {
	l := s.serviceLink(c)
	if l == nil {
		return
	}
	if err := s.auditLinkOpening(c, l, view); err != nil {
		s.Fail(c, err)
		return
	}
	if l.Ended() {
		s.renderServiceStatus(c, l, http.StatusOK, "", nil)
		return
	}
	s.renderServiceDemand(c, l, http.StatusOK, page, views.Page{})
}

// renderServiceDemand shows the demand to its service; form carries what
// the person typed, errors and the open action (Page.Form, Page.Errors).
func (s *Handlers) renderServiceDemand(c *gin.Context, l *servicelink.Access, status int, name string, form views.Page) {
	data, err := s.serviceDemandData(c, l)
	if err != nil {
		s.Fail(c, err)
		return
	}
	if open, ok := form.Form["open"].(string); ok {
		data.Open = open
	}
	p := s.Page(c, fmt.Sprintf("Demande %s", l.Demand.Reference))
	p.Form, p.Errors = form.Form, form.Errors
	if form.Flash != nil {
		p.Flash = form.Flash
	}
	p.Data = data
	s.Render(c, status, name, p)
}

func (s *Handlers) serviceDemandData(c *gin.Context, l *servicelink.Access) (views.ServiceDemandData, error) {
	ctx := c.Request.Context()
	d, a := l.Demand, l.Assignment
	evs, err := models.History(ctx, s.DB, l.Commune.ID, d.ID, false)
	if err != nil {
		return views.ServiceDemandData{}, err
	}
	atts, err := models.Attachments(ctx, s.DB, l.Commune.ID, d.ID)
	if err != nil {
		return views.ServiceDemandData{}, err
	}
	data := views.ServiceDemandData{
		Path: l.Path(), Reference: d.Reference, ProcedureTitle: l.Procedure.Title, State: d.State,
		ServiceName: l.Service.Name, CitizenName: d.CitizenName, CitizenEmail: d.CitizenEmail,
		SubmittedAt: d.SubmittedAt, AssignedAt: a.CreatedAt, WaitingDays: int(s.Clock.Now().Sub(d.UpdatedAt) / (24 * time.Hour)),
		LinkExpires: l.Claims.ExpiresAt(), Version: d.Version,
		Fields: web.DemandFields(l.Procedure, d), Files: web.DemandFiles(l.Procedure, atts, l.Path()),
	}
	var shown, notes []models.Event
	for _, ev := range evs {
		shown = append(shown, ev) // openings, for the supervisor, are left out by HistoryItems
		// What the accueil wrote for the service: its notes, and its message with this transfer.
		if ev.ActorKind == workflow.KindAgent && ((ev.Kind == workflow.KindNote && ev.Message != "") ||
			(ev.Kind == string(workflow.Transfer) && workflow.ServiceMessage(ev) != "" && fmt.Sprint(ev.Details["assignment_id"]) == fmt.Sprint(a.ID))) {
			notes = append(notes, ev)
		}
	}
	// The demand's exchanges with the citizen, notes included.
	cvs, err := models.ConversationsOfDemand(ctx, s.DB, l.Commune.ID, d.ID)
	if err != nil {
		return data, err
	}
	now := s.Clock.Now() // a service has no read state: nothing is marked new
	for _, cv := range cvs {
		ms, err := models.Thread(ctx, s.DB, l.Commune.ID, cv.ID, false)
		if err != nil {
			return data, err
		}
		data.Thread = append(data.Thread, web.Thread(ms, false, &now, func(models.ConversationFile) string { return "" })...)
	}
	data.History = web.HistoryItems(l.Procedure, shown)
	data.AccueilNotes = web.HistoryItems(l.Procedure, notes)
	if l.CanAct() {
		for _, ev := range workflow.For(l.Procedure).Allowed(d, l.Actor("")) {
			if act := actionFor(ev); act != nil {
				data.Actions = append(data.Actions, act.slug)
			}
		}
		data.Actions = append(data.Actions, noteAction.slug, fileSlug, messageSlug)
		data.Composer = s.Composer(l.Path() + "/" + messageSlug)
		data.FileHint = fmt.Sprintf("Fichier interne : l'accueil le verra, pas l'usager. Formats acceptés : %s ; %s au plus.", files.AcceptedLabels(), web.LimitSize(s.Config.MaxFileSize))
		data.FieldOptions = web.CorrectionFields(l.Procedure)
	} else if !l.Service.Active {
		data.Notice = serviceInactive
	} else if d.State == workflow.CorrectionRequested {
		data.Notice = "Votre service a demandé une correction à l'usager. La demande vous reviendra quand il l'aura corrigée : vous recevrez alors un e-mail, et ce lien permettra de nouveau d'agir."
	}
	return data, nil
}

// renderServiceStatus shows, in place of the demand, where it stands now
// that the link no longer grants action; headline overrides the first
// sentence, kept is what the person typed and was not saved.
func (s *Handlers) renderServiceStatus(c *gin.Context, l *servicelink.Access, status int, headline string, kept []views.DataRow) {
	data, err := s.serviceStatusData(c, l)
	if err != nil {
		s.Fail(c, err)
		return
	}
	if headline != "" {
		data.Explanation = append([]string{data.Headline}, data.Explanation...)
		data.Headline = headline
	}
	data.Kept = kept
	p := s.Page(c, fmt.Sprintf("Demande %s", l.Demand.Reference))
	p.Data = data
	s.Render(c, status, "service/status", p)
}

func (s *Handlers) serviceStatusData(c *gin.Context, l *servicelink.Access) (views.ServiceStatusData, error) {
	ctx := c.Request.Context()
	d, a := l.Demand, l.Assignment
	data := views.ServiceStatusData{Reference: d.Reference, ProcedureTitle: l.Procedure.Title, State: d.State}
	switch {
	case a.EndedReason == "decided":
		evs, err := models.History(ctx, s.DB, l.Commune.ID, d.ID, false)
		if err != nil {
			return data, err
		}
		verb := "a décidé de"
		for _, ev := range evs {
			switch ev.Kind {
			case string(workflow.Accept):
				verb = "a accepté"
			case string(workflow.Refuse):
				verb = "a refusé"
			}
		}
		data.Headline = fmt.Sprintf("Votre service %s cette demande le %s.", verb, formatParis(*a.EndedAt))
	case a.EndedReason == "returned":
		data.Headline = fmt.Sprintf("Votre service a renvoyé cette demande à l'accueil le %s.", formatParis(*a.EndedAt))
	case d.State == workflow.CorrectionRequested:
		data.Headline = "Votre service a demandé une correction à l'usager : la demande attend sa réponse."
	default:
		data.Headline = "Ce lien ne permet pas d'agir sur cette demande."
	}
	now := "Où en est la demande aujourd'hui : « " + workflow.StateLabel(d.State) + " »."
	if d.State == workflow.Transferred && d.ServiceID != nil && (a.EndedAt != nil || *d.AssignmentID != a.ID) {
		if *d.ServiceID == l.Service.ID {
			now += " L'accueil l'a de nouveau transmise à votre service : un nouveau lien vous a été envoyé par e-mail, c'est lui qu'il faut utiliser."
		} else if other, err := models.ServiceByID(ctx, s.DB, l.Commune.ID, *d.ServiceID); err == nil {
			now += " Elle a été transmise au service " + other.Name + "."
		} else {
			return data, err
		}
	}
	data.Explanation = append(data.Explanation, now)
	if !l.Service.Active {
		data.Explanation = append(data.Explanation, serviceInactive)
	}
	if l.Ended() {
		data.Explanation = append(data.Explanation, "Ce lien ne permet plus d'agir sur la demande.")
	}
	data.Explanation = append(data.Explanation, "Pour toute question, contactez l'accueil de la mairie : ses coordonnées sont en bas de cette page.")
	return data, nil
}
