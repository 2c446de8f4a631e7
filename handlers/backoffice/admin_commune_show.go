package backoffice

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/commune"
	"guichet/handlers/web"
	"guichet/hours"
	"guichet/views"
)

// adminCommuneData is the Data of "admin/commune".
type adminCommuneData struct {
	Days        []views.Option // each weekday's field and label, Monday first
	DefaultFrom string         // the instance's MAIL_FROM
	MaxLogo     string
	LogoSide    int
	LogoBox     string
}

// adminCommuneShow is the commune's identity: the form filled with it as it is.
func (s *Handlers) adminCommuneShow(c *gin.Context) {
	s.showAdminCommune(c, http.StatusOK, commune.IdentityOf(web.Commune(c)), nil, nil)
}

// showAdminCommune shows the identity form filled with in (what the admin
// typed, after a refusal), the errors beside the fields, and flash, if
// any, above them.
func (s *Handlers) showAdminCommune(c *gin.Context, status int, in commune.Identity, errs views.FormErrors, flash *views.Flash) {
	p := s.Page(c, "Fiche de la commune")
	if flash != nil {
		p.Flash = flash
	}
	p.Form = identityForm(in)
	p.Errors = errs
	data := adminCommuneData{DefaultFrom: s.Config.MailFrom, MaxLogo: web.LimitSize(commune.MaxLogoBytes),
		LogoSide: commune.MaxLogoSide, LogoBox: strconv.Itoa(commune.LogoBoxWidth) + " × " + strconv.Itoa(commune.LogoBoxHeight)}
	for _, d := range hours.Days {
		data.Days = append(data.Days, views.Option{Value: commune.HoursField(d), Label: hours.DayLabel(d)})
	}
	p.Data = data
	s.Render(c, status, "admin/commune", p)
}

// identityForm is the identity as the form's values, keyed by field name.
func identityForm(in commune.Identity) map[string]any {
	f := map[string]any{"nom": in.Name, "couleur": in.Accent, "adresse": in.Address, "telephone": in.Phone,
		"email": in.Email, "site": in.Website, "horaires_note": in.HoursNote, "expediteur_nom": in.MailFromName,
		"expediteur_adresse": in.MailFromAddress, "version": strconv.Itoa(in.Version)}
	for d := range in.Hours {
		f[commune.HoursField(time.Weekday(d))] = in.Hours[d]
	}
	return f
}
