package service

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/links"
	"guichet/servicelink"
	"guichet/validate"
	"guichet/views"
	"guichet/workflow"
)

// serviceAction is something a service does through its link. Its form's
// fields are named after its slug (refus-message, refus-person…) so that
// every form of the page keeps its own typed text.
type serviceAction struct {
	slug         string
	event        workflow.Event // empty for a note
	title        string
	consequence  string
	messageLabel string // what the message is, empty when there is none
	done         string
}

var serviceActions = []*serviceAction{
	{slug: "acceptation", event: workflow.Accept, title: "Accepter la demande",
		consequence: "La demande sera acceptée et close. L'usager en sera prévenu par e-mail. Ce lien ne permettra plus d'agir sur la demande.",
		done:        "La demande est acceptée. L'usager en est prévenu par e-mail."},
	{slug: "refus", event: workflow.Refuse, title: "Refuser la demande", messageLabel: "Motif du refus",
		consequence: "La demande sera refusée et close. L'usager recevra par e-mail le motif ci-dessous. Ce lien ne permettra plus d'agir sur la demande.",
		done:        "La demande est refusée. L'usager reçoit le motif par e-mail."},
	{slug: "correction", event: workflow.RequestCorrection, title: "Demander une correction à l'usager", messageLabel: "Message à l'usager",
		consequence: "La demande sera renvoyée à l'usager avec le message ci-dessous. Quand il l'aura corrigée, elle reviendra à votre service et vous en serez prévenu par e-mail.",
		done:        "La demande de correction est envoyée à l'usager. La demande vous reviendra quand il l'aura corrigée."},
	{slug: "renvoi", event: workflow.ReturnToGuichet, title: "Renvoyer la demande à l'accueil", messageLabel: "Motif du renvoi",
		consequence: "La demande sera renvoyée à l'accueil de la mairie avec le motif ci-dessous, pour qu'elle soit transmise au bon service. Ce lien ne permettra plus d'agir sur la demande.",
		done:        "La demande est renvoyée à l'accueil."},
}

var noteAction = &serviceAction{slug: "note", title: "Ajouter une note pour l'accueil", messageLabel: "Note",
	consequence: "La note sera ajoutée à l'historique de la demande. Elle est interne : l'accueil et les services la voient, pas l'usager.",
	done:        "Votre note est ajoutée à l'historique de la demande."}

func actionFor(ev workflow.Event) *serviceAction {
	for _, a := range serviceActions {
		if a.event == ev {
			return a
		}
	}
	return nil
}

// personInput is the name a person acting through a link may give.
type personInput struct {
	Person string `form:"person" label:"votre nom" validate:"max=100"`
}

// serviceForm is what an action's form sent.
type serviceForm struct {
	act     *serviceAction
	version int
	message string
	fields  []string
	person  string
	confirm bool
	edit    bool
}

func (f serviceForm) name(field string) string { return f.act.slug + "-" + field }

func readServiceForm(c *gin.Context, act *serviceAction, l *servicelink.Access) serviceForm {
	f := serviceForm{act: act}
	f.version, _ = strconv.Atoi(c.PostForm("version"))
	f.message = c.PostForm(f.name("message"))
	f.person = strings.TrimSpace(c.PostForm(f.name("person")))
	f.confirm, f.edit = c.PostForm("confirm") != "", c.PostForm("edit") != ""
	if act.event == workflow.RequestCorrection {
		for _, name := range c.PostFormArray(f.name("fields")) {
			if _, ok := web.FieldLabels(l.Procedure)[name]; ok && !slices.Contains(f.fields, name) {
				f.fields = append(f.fields, name)
			}
		}
	}
	return f
}

// values refills the action's form (Page.Form) and keeps it open.
func (f serviceForm) values() map[string]any {
	return map[string]any{"open": f.act.slug, f.name("message"): f.message, f.name("person"): f.person, f.name("fields"): f.fields}
}

// kept is what the person typed, shown back when it could not be saved.
func (f serviceForm) kept(l *servicelink.Access) []views.DataRow {
	var rows []views.DataRow
	if f.message != "" {
		rows = append(rows, views.DataRow{Label: f.act.messageLabel, Value: f.message})
	}
	if len(f.fields) > 0 {
		labels := web.FieldLabels(l.Procedure)
		names := make([]string, len(f.fields))
		for i, n := range f.fields {
			names[i] = labels[n]
		}
		rows = append(rows, views.DataRow{Label: "Champs à corriger", Value: strings.Join(names, ", ")})
	}
	if f.person != "" {
		rows = append(rows, views.DataRow{Label: "Votre nom", Value: f.person})
	}
	return rows
}

func (f serviceForm) input() workflow.Input {
	return workflow.Input{Version: f.version, Message: f.message, Fields: f.fields}
}

// check checks the input as the workflow will, before asking to confirm.
func (f serviceForm) check(l *servicelink.Access) error {
	if errs := validate.Struct(personInput{f.person}); errs != nil {
		return apperr.Fields(errs)
	}
	if f.act.event == "" {
		return workflow.CheckNote(f.message)
	}
	return workflow.For(l.Procedure).CheckInput(f.act.event, f.input())
}

// run does the action as the service, with the person's name.
func (f serviceForm) run(ctx context.Context, s *Handlers, l *servicelink.Access) error {
	actor := l.Actor(f.person)
	if f.act.event == "" {
		_, err := s.Engine.Note(ctx, l.Demand.ID, actor, f.message)
		return err
	}
	_, err := s.Engine.Apply(ctx, l.Demand.ID, f.act.event, actor, f.input())
	return err
}

// serviceActionTake handles an action's form: a first POST checks the input
// and asks for confirmation, the confirming POST acts. A stale version or a
// link that no longer grants action changes nothing and says why, with the
// typed text kept.
func (s *Handlers) serviceActionTake(act *serviceAction) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		l := s.serviceLink(c)
		if l == nil {
			return
		}
		f := readServiceForm(c, act, l)
		if f.version != l.Demand.Version {
			s.serviceStale(c, l, f)
			return
		}
		if !l.CanAct() {
			s.renderServiceStatus(c, l, http.StatusForbidden, "", f.kept(l))
			return
		}
		if err := f.check(l); err != nil {
			s.serviceInvalid(c, l, f, err)
			return
		}
		if f.edit {
			s.renderServiceDemand(c, l, http.StatusOK, "service/show", views.Page{Form: f.values()})
			return
		}
		if !f.confirm {
			s.serviceConfirm(c, l, f)
			return
		}
		err := f.run(ctx, s, l)
		switch apperr.CodeOf(err) {
		case "":
			s.Jobs.Wake(jobs.MailJob)
			s.SetFlash(c, views.FlashSuccess, act.done)
			web.Redirect(c, l.Path())
		case apperr.Conflict:
			s.serviceStale(c, l, f)
		case apperr.Forbidden:
			s.renderServiceStatus(c, l, http.StatusForbidden, apperr.As(err).Message, f.kept(l))
		case apperr.Invalid:
			s.serviceInvalid(c, l, f, err)
		default:
			s.Fail(c, err)
		}
	}
}

// serviceInvalid shows the page again with the action's form open, its
// errors next to its fields and the typed text kept.
func (s *Handlers) serviceInvalid(c *gin.Context, l *servicelink.Access, f serviceForm, err error) {
	e := apperr.As(err)
	if len(e.Fields) == 0 {
		s.Fail(c, err)
		return
	}
	errs := views.FormErrors{}
	for field, msg := range e.Fields {
		errs[f.name(field)] = msg
	}
	s.renderServiceDemand(c, l, http.StatusUnprocessableEntity, "service/show", views.Page{Form: f.values(), Errors: errs})
}

// serviceStale answers an action on a version of the demand that is no
// longer current: the fresh page, the typed text kept.
func (s *Handlers) serviceStale(c *gin.Context, l *servicelink.Access, f serviceForm) {
	// Reload: the conflict may have been found inside the transaction.
	fresh, err := s.checkLink(c, links.Service)
	if err != nil {
		s.serviceLinkProblem(c, fresh, err)
		return
	}
	if !fresh.CanAct() {
		s.renderServiceStatus(c, fresh, http.StatusConflict, apperr.StaleMessage, f.kept(fresh))
		return
	}
	s.renderServiceDemand(c, fresh, http.StatusConflict, "service/show", views.Page{
		Form: f.values(), Flash: &views.Flash{Kind: views.FlashError, Text: apperr.StaleMessage}})
}

// serviceConfirm asks to confirm the action, showing what will happen.
func (s *Handlers) serviceConfirm(c *gin.Context, l *servicelink.Access, f serviceForm) {
	labels := web.FieldLabels(l.Procedure)
	data := views.ServiceConfirmData{
		Path: l.Path(), Action: f.act.slug, Title: f.act.title, Consequence: f.act.consequence,
		Message: strings.TrimSpace(f.message), MessageName: f.act.messageLabel, Person: f.person,
		Hidden: []views.HiddenField{{Name: "version", Value: strconv.Itoa(f.version)},
			{Name: f.name("message"), Value: f.message}, {Name: f.name("person"), Value: f.person}},
	}
	for _, n := range f.fields {
		data.Fields = append(data.Fields, labels[n])
		data.Hidden = append(data.Hidden, views.HiddenField{Name: f.name("fields"), Value: n})
	}
	p := s.Page(c, f.act.title+" — demande "+l.Demand.Reference)
	p.Data = data
	s.Render(c, http.StatusOK, "service/confirm", p)
}
