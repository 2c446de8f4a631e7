package service

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/links"
	"guichet/notify"
	"guichet/servicelink"
	"guichet/views"
)

// serviceLinkResend sends a fresh link to the service's own address (never
// to an address typed here) when its link expired or was revoked while the
// demand is still in its hands.
func (s *Handlers) serviceLinkResend(c *gin.Context) {
	ctx := c.Request.Context()
	l, err := s.checkLink(c, links.Service)
	switch err {
	case nil:
		web.Redirect(c, l.Path()) // the link works: nothing to send
		return
	case servicelink.ErrExpired, servicelink.ErrRevoked:
	default:
		s.serviceLinkProblem(c, l, err)
		return
	}
	if !l.MayResend() {
		s.renderServiceStatus(c, l, http.StatusForbidden, "", nil)
		return
	}
	sent, err := s.Notifier.ResendServiceLink(ctx, s.DB, notify.ServiceMail{
		Commune: l.Commune, Procedure: l.Procedure, Demand: l.Demand,
		Subject: fmt.Sprintf("Nouveau lien pour la demande %s : %s", l.Demand.Reference, l.Procedure.Title),
		Intro:   []string{"Voici un nouveau lien pour la demande ci-dessous, demandé depuis un lien qui avait expiré ou avait été révoqué."},
	}, l.Service, l.Assignment)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := views.LinkProblemData{Title: "Nouveau lien envoyé",
		Message: fmt.Sprintf("Un nouveau lien vient d'être envoyé à l'adresse du service, %s. Ouvrez-le depuis cette boîte aux lettres.", l.Service.Email)}
	if sent {
		s.Jobs.Wake(jobs.MailJob)
	} else {
		data.Title = "Nouveau lien déjà envoyé"
		data.Message = fmt.Sprintf("Un nouveau lien a déjà été envoyé à l'adresse du service, %s, il y a moins de 15 minutes. Consultez cette boîte aux lettres.", l.Service.Email)
	}
	p := s.Page(c, data.Title)
	p.Data = data
	s.Render(c, http.StatusOK, "service/link_problem", p)
}
