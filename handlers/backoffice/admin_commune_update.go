package backoffice

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/commune"
	"guichet/deadline"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// adminCommuneUpdate saves the commune's identity. A refusal shows the
// form again with everything typed and a French message beside each field
// at fault; a save over another admin's (made since the form was shown)
// is refused as such, the typed text kept.
func (s *Handlers) adminCommuneUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	in := commune.Identity{
		Name: trimmed(c, "nom"), Accent: trimmed(c, "couleur"), Address: trimmed(c, "adresse"), Phone: trimmed(c, "telephone"),
		Email: trimmed(c, "email"), Website: trimmed(c, "site"), HoursNote: trimmed(c, "horaires_note"),
		MailFromName: trimmed(c, "expediteur_nom"), MailFromAddress: trimmed(c, "expediteur_adresse"),
	}
	in.Version, _ = strconv.Atoi(c.PostForm("version"))
	for d := range in.Hours {
		in.Hours[d] = trimmed(c, commune.HoursField(time.Weekday(d)))
	}
	err := commune.SaveIdentity(ctx, s.DB, cm, in)
	var e *apperr.Error
	switch {
	case err == nil:
		s.Jobs.Wake(deadline.RetimeJob) // changed opening hours move the due times
		s.SetFlash(c, views.FlashSuccess, "Fiche de la commune enregistrée : le portail, les e-mails et les récépissés la montrent dès maintenant.")
		web.Redirect(c, "/gestion/admin/commune")
	case errors.Is(err, commune.ErrStale):
		// The typed text stays; the version becomes the current one, so
		// that saving again is a choice made knowingly.
		fresh, err := models.CommuneByID(ctx, s.DB, cm.ID)
		if err != nil {
			s.Fail(c, err)
			return
		}
		in.Version = fresh.Version
		c.Set(web.KeyCommune, fresh)
		s.showAdminCommune(c, http.StatusConflict, in, nil, &views.Flash{Kind: views.FlashError, Text: commune.ErrStale.Message})
	case errors.As(err, &e) && e.Code == apperr.Invalid:
		s.showAdminCommune(c, http.StatusUnprocessableEntity, in, e.Fields, nil)
	default:
		s.Fail(c, err)
	}
}

// trimmed is a form value without the spaces around it.
func trimmed(c *gin.Context, name string) string { return strings.TrimSpace(c.PostForm(name)) }
