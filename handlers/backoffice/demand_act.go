package backoffice

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/calendar"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/validate"
	"guichet/views"
	"guichet/workflow"
)

// demandAct fires the action of the URL on the demand, as the signed-in
// agent, once its input is complete and confirmed. Whatever goes wrong, the
// page comes back with what was typed; a demand changed meanwhile comes
// back fresh, with a warning, and is not touched.
func (s *Handlers) demandAct(c *gin.Context) {
	ctx := c.Request.Context()
	d, ok := s.agentDemand(c)
	if !ok {
		return
	}
	act, ok := actionBySlug(c.Param("action"))
	if !ok {
		s.Fail(c, apperr.New(apperr.NotFound, "Cette action n'existe pas."))
		return
	}
	st := demandState{action: act.Slug, values: demandFormValues(c), errs: map[string]string{}}
	version, _ := strconv.Atoi(c.PostForm("version"))
	serviceID, _ := strconv.ParseInt(c.PostForm("service"), 10, 64)
	in := workflow.Input{Version: version, Message: strings.TrimSpace(c.PostForm("message")),
		ServiceID: serviceID, Fields: c.PostFormArray("champs")}
	if act.Message == "" {
		in.Message = ""
	}

	// The version first: a stale page must be seen fresh before anything else.
	if version != d.Version {
		s.stale(c, d, st)
		return
	}
	def, err := s.lifecycle(c, d)
	if err != nil {
		s.Fail(c, err)
		return
	}
	if err := def.CheckInput(act.Event, in); err != nil {
		for k, v := range apperr.As(err).Fields {
			st.errs[k] = v
		}
	}
	if in.Fields != nil && !s.validFields(c, d, in.Fields) {
		st.errs["champs"] = "Choisissez les champs à corriger dans la liste."
	}
	if act.Due {
		due := dueInput{Due: strings.TrimSpace(c.PostForm("echeance"))}
		if errs := validate.Struct(due); errs != nil {
			maps.Copy(st.errs, errs)
		} else if due.Due != "" {
			in.CorrectionDue, _ = calendar.ParseDate(due.Due)
		}
	}
	if c.PostForm("confirmer") == "" {
		st.errs["confirmer"] = "Cochez la case pour confirmer : " + strings.ToLower(act.Title[:1]) + act.Title[1:] + " ne peut pas être annulé."
	}
	if len(st.errs) > 0 {
		s.showAgentDemand(c, d, st, http.StatusUnprocessableEntity, nil)
		return
	}

	_, err = s.Engine.Apply(ctx, d.ID, act.Event, workflow.AgentActor(currentAgent(c)), in)
	var e *apperr.Error
	switch {
	case err == nil:
		s.SetFlash(c, views.FlashSuccess, actionDone[act.Event])
		web.Redirect(c, demandBackURL(d.ID, backURL(c)))
	case errors.As(err, &e) && e.Code == apperr.Conflict:
		s.stale(c, d, st)
	case errors.As(err, &e) && (e.Code == apperr.Invalid || e.Code == apperr.Forbidden):
		for k, v := range e.Fields {
			st.errs[k] = v
		}
		fresh, ferr := models.DemandByID(ctx, s.DB, d.CommuneID, d.ID)
		if ferr != nil {
			s.Fail(c, ferr)
			return
		}
		s.showAgentDemand(c, fresh, s.keepTyped(c, fresh, st), web.StatusOf(e.Code), &views.Flash{Kind: views.FlashError, Text: e.Message})
	default:
		s.Fail(c, err)
	}
}

// dueInput is the day a correction is due by (empty: in workflow.CorrectionDays).
type dueInput struct {
	Due string `form:"echeance" label:"la date limite de la correction" example:"2026-12-16" validate:"omitempty,datetime=2006-01-02"`
}

// stale shows the fresh demand after someone changed it meanwhile, with
// what the agent typed, unconfirmed: they must look before acting again.
func (s *Handlers) stale(c *gin.Context, d *models.Demand, st demandState) {
	ctx := c.Request.Context()
	fresh, err := models.DemandByID(ctx, s.DB, d.CommuneID, d.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	st.errs = nil
	s.showAgentDemand(c, fresh, s.keepTyped(c, fresh, st), http.StatusConflict, &views.Flash{Kind: views.FlashError, Text: apperr.StaleMessage})
}

// keepTyped keeps what was typed in its form if the action is still
// possible (a note always is), and aside for the agent to copy otherwise.
func (s *Handlers) keepTyped(c *gin.Context, d *models.Demand, st demandState) demandState {
	act, ok := actionBySlug(st.action)
	if !ok {
		return st
	}
	if def, err := s.lifecycle(c, d); err != nil || slices.Contains(def.Allowed(d, workflow.AgentActor(currentAgent(c))), act.Event) {
		return st // on error, the page that follows fails to load the procedure too
	}
	st.lost, _ = st.values["message"].(string)
	st.action = ""
	return st
}

// validFields tells whether every field to correct is a question of the demand's procedure.
func (s *Handlers) validFields(c *gin.Context, d *models.Demand, names []string) bool {
	ctx := c.Request.Context()
	p, err := models.DemandProcedure(ctx, s.DB, d)
	if err != nil {
		return false
	}
	for _, n := range names {
		if _, ok := web.ProcedureField(p, n); !ok {
			return false
		}
	}
	return true
}

var actionDone = map[workflow.Event]string{
	workflow.Accept:            "Demande acceptée. L'usager est prévenu par e-mail.",
	workflow.Refuse:            "Demande refusée. L'usager a reçu le motif par e-mail.",
	workflow.RequestCorrection: "Demande de correction envoyée à l'usager.",
	workflow.Transfer:          "Demande transmise au service. Le service et l'usager sont prévenus par e-mail.",
	workflow.Archive:           "Demande archivée.",
}
