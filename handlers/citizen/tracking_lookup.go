package citizen

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/links"
	"guichet/models"
	"guichet/notify"
	"guichet/validate"
	"guichet/views"
)

// lookupsPerClient bounds the codes one client address may try in an hour
// (several people may share one, at a town hall's desk).
const lookupsPerClient = 20

// trackingInput is the form "Suivre une demande".
type trackingInput struct {
	Code string `form:"code" label:"le code de suivi ou la référence de votre demande" validate:"required,max=100"`
}

// trackingLookup e-mails a fresh follow link for the demand of a tracking
// code or reference, to the address on file. The answer is the same whether
// the code names a demand or not, and shows neither the demand nor its
// address: a code is no proof of anything, so the page must not tell which
// codes exist.
func (s *Handlers) trackingLookup(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	in := trackingInput{Code: strings.TrimSpace(c.PostForm("code"))}
	typed := map[string]any{"code": in.Code}
	if errs := validate.Struct(in); errs != nil {
		s.showHome(c, http.StatusUnprocessableEntity, typed, errs)
		return
	}
	over, err := models.CountEvent(ctx, s.DB, s.Clock.Now(), models.RateLimit{Key: "suivi:ip:" + c.ClientIP(), Max: lookupsPerClient, Per: time.Hour})
	if err != nil {
		s.Fail(c, err)
		return
	}
	if over != nil {
		s.showHome(c, http.StatusTooManyRequests, typed, views.FormErrors{"code": "Trop de codes de suivi ont été essayés depuis votre connexion au cours de la dernière heure. Réessayez dans une heure ; si vous avez reçu un e-mail de la mairie, son lien vous donne accès à votre demande."})
		return
	}
	d, err := models.DemandByReference(ctx, s.DB, cm.ID, models.NormalizeCode(in.Code))
	if err == nil {
		_, err = s.mailFreshLink(c, d)
	}
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashInfo, "Si ce code correspond à une demande faite à "+cm.Name+", un lien pour y accéder vient d'être envoyé à l'adresse e-mail donnée lors de la demande. Pensez à regarder dans les courriers indésirables. Si rien n'arrive, vérifiez le code : il figure dans les e-mails reçus de la mairie (8 caractères, par exemple 7KQ3M9XD).")
	web.Redirect(c, "/c/"+cm.Slug+"/")
}

// linkRenew e-mails a fresh follow link when the old one expired. The
// person holds a genuine link: the answer may hint at the address.
func (s *Handlers) linkRenew(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	cl, err := s.Links.Verify(links.Follow, c.Param("token"))
	if (err != nil && !errors.Is(err, links.ErrExpired)) || cl.CommuneID != cm.ID {
		s.linkProblem(c, links.ErrInvalid)
		return
	}
	d, err := models.DemandByID(ctx, s.DB, cm.ID, cl.DemandID)
	if errors.Is(err, models.ErrNotFound) {
		s.linkProblem(c, links.ErrInvalid)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	if d.AnonymisedAt != nil {
		s.RenderError(c, http.StatusGone, "Demande effacée", anonymisedText)
		return
	}
	sent, err := s.mailFreshLink(c, d)
	if err != nil {
		s.Fail(c, err)
		return
	}
	if sent {
		s.SetFlash(c, views.FlashSuccess, "Un lien pour accéder à votre demande vient d'être envoyé à l'adresse donnée lors de la demande ("+maskEmail(d.CitizenEmail)+"). Pensez à regarder dans les courriers indésirables.")
	} else {
		s.SetFlash(c, views.FlashInfo, "Plusieurs liens ont déjà été envoyés pour cette demande dans l'heure, à l'adresse "+maskEmail(d.CitizenEmail)+". Vérifiez votre boîte de réception et vos courriers indésirables, ou réessayez plus tard.")
	}
	web.Redirect(c, "/c/"+cm.Slug+"/")
}

// maxFreshLinks per demand and hour: enough for a person, too few to flood
// their mailbox with someone else's tracking code.
const maxFreshLinks = 3

// mailFreshLink e-mails a fresh follow link for d, unless maxFreshLinks
// were sent in the hour; it tells whether it sent one.
func (s *Handlers) mailFreshLink(c *gin.Context, d *models.Demand) (bool, error) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	if d.AnonymisedAt != nil {
		return false, nil // no address left to write to
	}
	sent, err := models.CountMailsSince(ctx, s.DB, cm.ID, d.ID, notify.FreshLinkSubject(d), s.Clock.Now().Add(-time.Hour))
	if err != nil || sent >= maxFreshLinks {
		return false, err
	}
	p, err := models.DemandProcedure(ctx, s.DB, d)
	if err != nil {
		return false, err
	}
	return true, s.Notifier.FreshLink(ctx, s.DB, cm, d, p)
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
