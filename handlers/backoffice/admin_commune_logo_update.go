package backoffice

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/commune"
	"guichet/handlers/web"
	"guichet/views"
)

// adminCommuneLogoUpdate replaces the commune's logo with the image sent
// (commune.SaveLogo checks, fits and re-encodes it). The request is read
// no further than a logo may weigh.
func (s *Handlers) adminCommuneLogoUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	data, refusal, err := readLogo(c)
	if err == nil && refusal == "" {
		err = commune.SaveLogo(ctx, s.DB, cm, data, s.Clock.Now())
	}
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.Invalid {
		refusal, err = e.Fields[commune.LogoField], nil
	}
	switch {
	case err != nil:
		s.Fail(c, err)
	case refusal != "":
		s.showAdminCommune(c, http.StatusUnprocessableEntity, commune.IdentityOf(cm), views.FormErrors{commune.LogoField: refusal}, nil)
	default:
		s.SetFlash(c, views.FlashSuccess, "Logo enregistré : le portail et les e-mails de la commune l'affichent dès maintenant.")
		web.Redirect(c, "/gestion/admin/commune")
	}
}

// readLogo reads the logo field of a multipart form, whole: at most
// commune.MaxLogoBytes and one byte, so that SaveLogo sees it is too large.
func readLogo(c *gin.Context) (data []byte, refusal string, err error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, commune.MaxLogoBytes+1<<16)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, "Choisissez le fichier du logo, une image PNG ou JPEG.", nil
	}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		var mbe *http.MaxBytesError
		switch {
		case err == io.EOF:
			return nil, "Choisissez le fichier du logo, une image PNG ou JPEG.", nil
		case errors.As(err, &mbe):
			return nil, commune.LogoTooLarge, nil
		case web.BadPart(err):
			return nil, web.BadPartRefusal, nil
		case err != nil:
			return nil, "", err
		case n > web.MaxParts:
			return nil, web.TooManyParts, nil
		}
		if part.FormName() != commune.LogoField || part.FileName() == "" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, commune.MaxLogoBytes+1))
		if errors.As(err, &mbe) {
			return nil, commune.LogoTooLarge, nil
		}
		return data, "", err
	}
}
