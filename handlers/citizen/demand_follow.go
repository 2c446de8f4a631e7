package citizen

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/forms"
	"guichet/handlers/web"
	"guichet/history"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// demandFollow shows the demand of a follow link: the draft's form, or the
// follow page (with the correction form when one is requested).
func (s *Handlers) demandFollow(c *gin.Context) {
	s.showDemand(c, http.StatusOK, formState{}, nil)
}

// showDemand renders the demand's page; st holds what was typed when the
// page answers a post, flash a message about that post.
func (s *Handlers) showDemand(c *gin.Context, status int, st formState, flash *views.Flash) {
	ctx := c.Request.Context()
	d, p, base := followed(c)
	atts, err := models.CitizenAttachments(ctx, s.DB, d.CommuneID, d.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	if d.State == workflow.Draft {
		form, err := s.demandForm(c, base, d, p, atts, st)
		if err != nil {
			s.Fail(c, err)
			return
		}
		pg := s.Page(c, p.Title+" (brouillon)")
		if flash != nil {
			pg.Flash = flash
		}
		pg.Errors = web.ErrorsByID(st.errs)
		pg.Data = views.DraftPage{ProcedureTitle: p.Title, Documents: p.Documents, Email: d.CitizenEmail,
			TrackingCode: d.TrackingCode, Form: *form}
		s.Render(c, status, "citizen/draft", pg)
		return
	}

	hist, err := models.History(ctx, s.DB, d.CommuneID, d.ID, true)
	if err != nil {
		s.Fail(c, err)
		return
	}
	label, explanation := workflow.CitizenStatus(d.State)
	if d.State == workflow.Transferred && d.ServiceID != nil {
		if svc, err := models.ServiceByID(ctx, s.DB, d.CommuneID, *d.ServiceID); err == nil {
			explanation = "Votre demande a été transmise au service " + svc.Name + " de la mairie, qui l'examine. Vous serez prévenu par e-mail de la décision."
		}
	}
	data := views.FollowPage{ProcedureTitle: p.Title, FormVersion: web.VersionText(p), Reference: d.Reference, TrackingCode: d.TrackingCode,
		State: d.State, StateLabel: label, Explanation: explanation, SubmittedAt: d.SubmittedAt,
		ReceiptURL: base + "/recepisse.pdf"}
	for _, ev := range hist {
		it, ok := historyItem(ev)
		if !ok {
			continue
		}
		data.History = append(data.History, it)
		if ev.Kind == "message" {
			data.Messages = append(data.Messages, it)
		}
	}
	if d.State == workflow.CorrectionRequested {
		cr := &views.CorrectionRequest{Message: d.CorrectionMessage}
		for _, name := range d.CorrectionFields {
			if f, ok := web.ProcedureField(p, name); ok {
				cr.Fields = append(cr.Fields, views.FieldLink{Label: f.Label, ID: web.FieldID(name)})
			}
		}
		data.Correction = cr
		if data.Form, err = s.demandForm(c, base, d, p, atts, st); err != nil {
			s.Fail(c, err)
			return
		}
	}
	for _, f := range forms.Answered(p.Form, d.Data) {
		it := views.DataItem{Label: f.Label, File: f.Type == "file"}
		if it.File {
			it.Files = fileItems(base, atts, f.Name, false)
		} else {
			it.Value = forms.Display(f, d.Data[f.Name])
		}
		data.Data = append(data.Data, it)
	}
	if data.Exchange, err = s.demandExchange(c, d, base, st); err != nil {
		s.Fail(c, err)
		return
	}
	pg := s.Page(c, "Demande "+d.Reference)
	if flash != nil {
		pg.Flash = flash
	}
	pg.Errors = web.ErrorsByID(st.errs)
	for id, msg := range st.messageErrs {
		pg.Errors[id] = msg
	}
	pg.Data = data
	s.Render(c, status, "citizen/follow", pg)
}

// historyItem words one event for the citizen; ok is false for an event
// they may not read.
func historyItem(ev models.Event) (it views.HistoryItem, ok bool) {
	title, ok := history.CitizenTitle(ev)
	return views.HistoryItem{At: ev.At, Title: title, Message: ev.Message}, ok
}
