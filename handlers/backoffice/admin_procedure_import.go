package backoffice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/forms"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// maxImportSize bounds an imported procedure file: the demo's three
// procedures take 5 KB.
const maxImportSize = 200_000

// adminProcedureImport reads an uploaded YAML file of procedures, the CLI's
// format, and imports them all or none: a new procedure comes unpublished;
// a known one gets the file's content as its latest (a new version once
// citizens may have seen the current one), published or not as it was.
func (s *Handlers) adminProcedureImport(c *gin.Context) {
	ctx := c.Request.Context()
	src, refusal := readImport(c)
	if refusal != "" {
		s.showAdminProcedures(c, http.StatusUnprocessableEntity, views.FormErrors{"fichier": refusal})
		return
	}
	cm, a := web.Commune(c), currentAgent(c)
	defs, err := forms.Parse(src)
	if err == nil {
		err = forms.CheckCommune(defs, cm)
	}
	if err != nil {
		s.showAdminProcedures(c, http.StatusUnprocessableEntity, views.FormErrors{"fichier": "Le fichier n'a pas été importé : " + strings.ReplaceAll(err.Error(), "\n- ", " — ")})
		return
	}
	var saved []*models.Procedure
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, d := range defs {
			p := d.Procedure(cm.ID)
			p.CreatedBy, p.CreatedByName = &a.ID, a.Name
			if err := models.ImportProcedure(ctx, tx, p, false); err != nil {
				return err
			}
			saved = append(saved, p)
		}
		return nil
	})
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid { // a motif's name, say
		s.showAdminProcedures(c, http.StatusUnprocessableEntity, views.FormErrors{"fichier": "Le fichier n'a pas été importé : " + ae.Message})
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, fmt.Sprintf("%d démarche(s) importée(s). Une démarche nouvelle n'est pas publiée : vérifiez-la avec l'aperçu, puis publiez-la.", len(defs))+createdMotifs(saved...))
	web.Redirect(c, proceduresPath)
}

// readImport reads the one file of the import form, size-checked, as text.
func readImport(c *gin.Context) ([]byte, string) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxImportSize+64_000)
	fh, err := c.FormFile("fichier")
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, "Le fichier est trop volumineux : " + web.LimitSize(maxImportSize) + " au plus."
	case err != nil:
		return nil, "Choisissez un fichier YAML à importer."
	case fh.Size > maxImportSize:
		return nil, "Le fichier est trop volumineux : " + web.LimitSize(maxImportSize) + " au plus."
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "Le fichier n'a pas pu être lu : envoyez-le à nouveau."
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxImportSize+1))
	if err != nil || len(src) > maxImportSize {
		return nil, "Le fichier n'a pas pu être lu : envoyez-le à nouveau."
	}
	if !utf8.Valid(src) || strings.ContainsRune(string(src), 0) {
		return nil, "Ce fichier n'est pas un fichier texte YAML (codage UTF-8) : exportez une démarche pour voir le format attendu."
	}
	return src, ""
}
