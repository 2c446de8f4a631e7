package citizen

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/calendar"
	"guichet/handlers/web"
	"guichet/links"
	"guichet/models"
	"guichet/retention"
	"guichet/views"
)

// keptDraft checks the link of a draft's expiry notice (purpose KeepDraft,
// this commune) and loads its draft; it shows why when it cannot.
func (s *Handlers) keptDraft(c *gin.Context) (*models.Demand, bool) {
	cm := web.Commune(c)
	cl, err := s.Links.Verify(links.KeepDraft, c.Param("token"))
	if err == nil && cl.CommuneID != cm.ID {
		err = links.ErrInvalid
	}
	var d *models.Demand
	if err == nil {
		d, err = models.DemandByID(c.Request.Context(), s.DB, cm.ID, cl.DemandID)
		if errors.Is(err, models.ErrNotFound) {
			err = links.ErrInvalid
		}
	}
	switch {
	case errors.Is(err, links.ErrExpired):
		s.RenderError(c, http.StatusGone, "Lien expiré", "Ce lien pour conserver votre brouillon a expiré.")
	case errors.Is(err, links.ErrInvalid):
		s.RenderError(c, http.StatusForbidden, "Lien non valable", "Ce lien ne mène à aucun brouillon : il est incomplet ou a été modifié. Copiez l'adresse entière reçue par e-mail.")
	case err != nil:
		s.Fail(c, err)
	case d.AnonymisedAt != nil:
		s.RenderError(c, http.StatusGone, "Brouillon expiré", anonymisedText)
	case d.State != "draft":
		s.RenderError(c, http.StatusConflict, "Demande déjà déposée", "Cette demande a été déposée : elle n'expire pas comme un brouillon, vous n'avez rien à faire.")
	default:
		return d, true
	}
	return nil, false
}

// draftKeepShow offers to keep a draft, from its expiry notice: a button,
// so that a mail scanner opening the link keeps nothing.
func (s *Handlers) draftKeepShow(c *gin.Context) {
	d, ok := s.keptDraft(c)
	if !ok {
		return
	}
	p := s.Page(c, "Conserver votre brouillon")
	p.Data = struct {
		Reference, Until string
		Kept             bool
	}{d.Reference, calendar.DateOf(d.UpdatedAt).AddMonths(retention.DraftMonths).French(), d.ExpiryNoticeAt == nil}
	s.Render(c, http.StatusOK, "citizen/keep_draft", p)
}

// draftKeep keeps a draft: its three untouched months start again.
func (s *Handlers) draftKeep(c *gin.Context) {
	d, ok := s.keptDraft(c)
	if !ok {
		return
	}
	if _, err := models.KeepDraft(c.Request.Context(), s.DB, d.CommuneID, d.ID, s.Clock.Now()); err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Votre brouillon "+d.Reference+" est conservé.")
	web.Redirect(c, c.Request.URL.Path)
}
