package backoffice

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/files"
	"guichet/handlers/web"
	"guichet/streets"
	"guichet/views"
)

// adminStreetsImport imports the commune's streets from the uploaded BAN
// file, read as it arrives (a large city's file is tens of megabytes); they
// replace the commune's streets, or, the file refused, nothing changes.
func (s *Handlers) adminStreetsImport(c *gin.Context) {
	ctx := c.Request.Context()
	refuse := func(status int, msg string) {
		s.showAdminStreets(c, status, views.FormErrors{"fichier": msg})
	}
	tooLarge := fmt.Sprintf("Le fichier est trop volumineux : %s au plus. Importez le fichier d'une seule commune (adresses-XXXXX.csv).", web.LimitSize(streets.MaxFileSize))
	limit := int64(streets.MaxFileSize + 1<<20) // the file and the form around it
	if c.Request.ContentLength > limit {
		refuse(http.StatusRequestEntityTooLarge, tooLarge)
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		refuse(http.StatusUnprocessableEntity, "Choisissez le fichier des adresses de la commune à importer.")
		return
	}
	for n := 0; n <= web.MaxParts; n++ {
		part, err := mr.NextPart()
		var mbe *http.MaxBytesError
		switch {
		case err == io.EOF:
			refuse(http.StatusUnprocessableEntity, "Choisissez le fichier des adresses de la commune à importer.")
			return
		case errors.As(err, &mbe):
			refuse(http.StatusRequestEntityTooLarge, tooLarge)
			return
		case web.BadPart(err):
			refuse(http.StatusBadRequest, web.BadPartRefusal)
			return
		case err != nil:
			s.Fail(c, err)
			return
		}
		if part.FormName() != "fichier" || part.FileName() == "" {
			continue
		}
		name := files.Name(part.FileName(), files.Kind{})
		sum, err := streets.Import(ctx, s.DB, web.Commune(c).ID, part, nil)
		var fe *streets.FormatError
		switch {
		case errors.As(err, &fe):
			where := ""
			if fe.Line > 0 {
				where = fmt.Sprintf(", ligne %d", fe.Line)
			}
			refuse(http.StatusUnprocessableEntity, fmt.Sprintf("« %s » n'a pas été importé%s : %s Les voies de la commune n'ont pas changé.", name, where, fe.Msg))
			return
		case errors.As(err, &mbe):
			refuse(http.StatusRequestEntityTooLarge, tooLarge)
			return
		case err != nil:
			s.Fail(c, err)
			return
		}
		s.SetFlash(c, views.FlashSuccess, fmt.Sprintf("%d voies importées depuis « %s » : elles remplacent les précédentes, et les champs d'adresse les proposent.", sum.Count, name))
		web.Redirect(c, "/gestion/admin/voies")
		return
	}
	refuse(http.StatusBadRequest, web.TooManyParts)
}
