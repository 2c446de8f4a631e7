package citizen

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/notify"
	"guichet/views"
	"guichet/workflow"
)

// submissionConfirm confirms that the demand was received.
func (s *Handlers) submissionConfirm(c *gin.Context) {
	d, p, base := followed(c)
	if d.State == workflow.Draft {
		web.Redirect(c, base)
		return
	}
	pg := s.Page(c, "Demande déposée")
	pg.Data = views.Confirmation{ProcedureTitle: p.Title, Reference: d.Reference, TrackingCode: d.TrackingCode,
		SubmittedAt: d.SubmittedAt, Email: d.CitizenEmail, FollowURL: base, ReceiptURL: base + "/recepisse.pdf",
		WhatNext: notify.AfterSubmit}
	s.Render(c, http.StatusOK, "citizen/confirmation", pg)
}
