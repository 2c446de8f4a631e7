package backoffice

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/commune"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

const dutiesPath = "/gestion/admin/obligations"

// adminDutiesShow is the form of the commune's published duties: the
// accessibility statement, the legal notices, the personal data contact.
func (s *Handlers) adminDutiesShow(c *gin.Context) {
	s.showAdminDuties(c, http.StatusOK, commune.DutiesOf(web.Commune(c)), nil, nil)
}

func (s *Handlers) showAdminDuties(c *gin.Context, status int, in commune.Duties, errs views.FormErrors, flash *views.Flash) {
	p := s.Page(c, "Informations légales")
	if flash != nil {
		p.Flash = flash
	}
	p.Form = map[string]any{"niveau": in.Level, "audit_date": in.AuditOn, "audit_perimetre": in.Scope,
		"non_conformites": in.Failures, "contact_accessibilite": in.Contact, "editeur": in.Publisher,
		"directeur": in.Director, "hebergeur": in.Host, "contact_donnees": in.DataContact, "version": strconv.Itoa(in.Version)}
	p.Errors = errs
	var levels []views.Option
	for _, l := range commune.Levels {
		levels = append(levels, views.Option{Value: l.Value, Label: l.Label})
	}
	cm := web.Commune(c)
	p.Data = struct {
		Levels    []views.Option
		Generated commune.Published // what each text left empty shows
	}{levels, commune.PublishedOf(&models.Commune{Name: cm.Name, Address: cm.Address, Phone: cm.Phone, Email: cm.Email})}
	s.Render(c, status, "admin/duties", p)
}

// adminDutiesUpdate saves the published duties; a refusal or a save over
// another admin's shows the form again with what was typed.
func (s *Handlers) adminDutiesUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	in := commune.Duties{Level: trimmed(c, "niveau"), AuditOn: trimmed(c, "audit_date"), Scope: trimmed(c, "audit_perimetre"),
		Failures: trimmed(c, "non_conformites"), Contact: trimmed(c, "contact_accessibilite"), Publisher: trimmed(c, "editeur"),
		Director: trimmed(c, "directeur"), Host: trimmed(c, "hebergeur"), DataContact: trimmed(c, "contact_donnees")}
	in.Version, _ = strconv.Atoi(c.PostForm("version"))
	err := commune.SaveDuties(ctx, s.DB, cm, in, s.Clock.Now())
	var e *apperr.Error
	switch {
	case err == nil:
		s.SetFlash(c, views.FlashSuccess, "Informations légales enregistrées : la déclaration d'accessibilité, les mentions légales et la page des données personnelles les montrent dès maintenant.")
		web.Redirect(c, dutiesPath)
	case errors.Is(err, commune.ErrDutiesStale):
		fresh, err := models.CommuneByID(ctx, s.DB, cm.ID)
		if err != nil {
			s.Fail(c, err)
			return
		}
		in.Version = fresh.DutiesVersion
		c.Set(web.KeyCommune, fresh)
		s.showAdminDuties(c, http.StatusConflict, in, nil, &views.Flash{Kind: views.FlashError, Text: commune.ErrDutiesStale.Message})
	case errors.As(err, &e) && e.Code == apperr.Invalid:
		s.showAdminDuties(c, http.StatusUnprocessableEntity, in, e.Fields, nil)
	default:
		s.Fail(c, err)
	}
}
