package handlers

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/links"
	"guichet/models"
	"guichet/notify"
	"guichet/views"
)

// trackingLookup e-mails a fresh follow link for the demand of a tracking
// code or reference, to the address on file: the page never shows the
// demand itself, and no address is ever typed here.
func (s *Server) trackingLookup(c *gin.Context) {
	cm := commune(c)
	code := strings.TrimSpace(c.PostForm("code"))
	var d *models.Demand
	var err error
	msg := "Indiquez le code de suivi ou la référence de votre demande."
	if code != "" {
		d, err = models.DemandByReference(c, s.DB, cm.ID, models.NormalizeCode(code))
		msg = "Aucune demande faite à " + cm.Name + " ne porte ce code. Vérifiez-le : il figure dans les e-mails reçus de la mairie (8 caractères, par exemple 7KQ3M9XD)."
	}
	if code == "" || errors.Is(err, models.ErrNotFound) {
		s.showHome(c, http.StatusUnprocessableEntity, map[string]any{"code": code}, views.FormErrors{"code": msg})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendFreshLink(c, d)
}

// linkRenew e-mails a fresh follow link when the old one expired.
func (s *Server) linkRenew(c *gin.Context) {
	cm := commune(c)
	cl, err := s.Links.Verify(links.Follow, c.Param("token"))
	if (err != nil && !errors.Is(err, links.ErrExpired)) || cl.CommuneID != cm.ID {
		s.linkProblem(c, links.ErrInvalid)
		return
	}
	d, err := models.DemandByID(c, s.DB, cm.ID, cl.DemandID)
	if errors.Is(err, models.ErrNotFound) {
		s.linkProblem(c, links.ErrInvalid)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendFreshLink(c, d)
}

// maxFreshLinks per demand and hour: enough for a person, too few to flood
// their mailbox with someone else's tracking code.
const maxFreshLinks = 3

func (s *Server) sendFreshLink(c *gin.Context, d *models.Demand) {
	cm := commune(c)
	home := "/c/" + cm.Slug + "/"
	sent, err := models.CountMailsSince(c, s.DB, cm.ID, d.ID, notify.FreshLinkSubject(d), time.Now().Add(-time.Hour))
	if err != nil {
		s.fail(c, err)
		return
	}
	if sent >= maxFreshLinks {
		s.setFlash(c, views.FlashInfo, "Plusieurs liens ont déjà été envoyés pour cette demande dans l'heure, à l'adresse "+maskEmail(d.CitizenEmail)+". Vérifiez votre boîte de réception et vos courriers indésirables, ou réessayez plus tard.")
		redirect(c, home)
		return
	}
	p, err := models.ProcedureByID(c, s.DB, cm.ID, d.ProcedureID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.Notifier.FreshLink(c, s.DB, cm, d, p); err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, views.FlashSuccess, "Un lien pour accéder à votre demande vient d'être envoyé à l'adresse donnée lors de la demande ("+maskEmail(d.CitizenEmail)+"). Pensez à regarder dans les courriers indésirables.")
	redirect(c, home)
}

// maskEmail hints at an address without giving it away: c•••@exemple.fr.
func maskEmail(email string) string {
	at := strings.LastIndex(email, "@")
	if at < 1 {
		return "•••"
	}
	first := []rune(email[:at])[0]
	return string(first) + "•••" + email[at:]
}
