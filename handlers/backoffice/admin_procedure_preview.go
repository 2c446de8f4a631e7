package backoffice

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/forms"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// adminProcedurePreview shows a procedure's latest version exactly as a
// citizen's draft page shows it: the same page, partials and form builder,
// under the commune's banner rather than the back office's menu.
func (s *Handlers) adminProcedurePreview(c *gin.Context) {
	if p, ok := s.adminProcedure(c); ok {
		s.renderPreview(c, http.StatusOK, p, map[string]any{}, nil, nil)
	}
}

// adminProcedurePreviewCheck answers the preview's buttons: what was typed
// is checked as the citizen's submission would be (required fields too),
// and nothing is kept. Files are read and dropped.
func (s *Handlers) adminProcedurePreviewCheck(c *gin.Context) {
	p, ok := s.adminProcedure(c)
	if !ok {
		return
	}
	values, err := readPreviewPost(c, s.Config.MaxDemandSize)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || web.BadPart(err) {
			s.RenderError(c, http.StatusRequestEntityTooLarge, "Envoi interrompu", "L'envoi était trop volumineux ou illisible. Dans l'aperçu, les fichiers ne sont pas enregistrés : inutile d'en joindre.")
			return
		}
		s.Fail(c, err)
		return
	}
	data, errs := forms.Read(p.Form, values)
	if c.Param("op") == "deposer" {
		for k, v := range forms.Missing(p.Form, data, nil) {
			if errs[k] == "" {
				errs[k] = v
			}
		}
	}
	flash := &views.Flash{Kind: views.FlashSuccess, Text: "Aperçu : ces réponses seraient acceptées. Rien n'a été enregistré."}
	status := http.StatusOK
	if len(errs) > 0 {
		flash = &views.Flash{Kind: views.FlashError, Text: "Aperçu : l'usager verrait ces messages. Rien n'a été enregistré."}
		status = http.StatusUnprocessableEntity
	}
	if c.GetHeader("HX-Request") == "true" { // a file chosen: its block only
		for _, f := range p.Form {
			if f.Name == c.Query("champ") && f.Type == "file" {
				ff := s.previewField(c, p, f, data, errs)
				ff.Status = "Aperçu : le fichier n'est pas enregistré."
				s.Views.Fragment(c.Writer, http.StatusOK, "file_widget", ff)
				return
			}
		}
	}
	s.renderPreview(c, status, p, data, errs, flash)
}

func (s *Handlers) previewField(c *gin.Context, p *models.Procedure, f models.Field, data map[string]any, errs map[string]string) views.FormField {
	suggest, _ := s.StreetSuggestions(c.Request.Context(), web.Commune(c), p.Form) // none on a lookup failure: a preview
	ff := s.FormField(p.Form, f, data, errs, suggest)
	if f.Type == "file" {
		ff.UploadURL = previewPath(p) + "/pieces"
	}
	return ff
}

func previewPath(p *models.Procedure) string { return procedurePath(p.ID) + "/apercu" }

func (s *Handlers) renderPreview(c *gin.Context, status int, p *models.Procedure, data map[string]any, errs map[string]string, flash *views.Flash) {
	form := views.DemandForm{Action: previewPath(p), Version: 1}
	for _, f := range p.Form {
		form.Fields = append(form.Fields, s.previewField(c, p, f, data, errs))
	}
	pg := s.Page(c, p.Title+" (brouillon)")
	pg.User, pg.Nav, pg.Preview = nil, nil, procedurePath(p.ID)
	pg.Errors = web.ErrorsByID(errs)
	if flash != nil {
		pg.Flash = flash
	}
	pg.Data = views.DraftPage{ProcedureTitle: p.Title, Documents: p.Documents, Email: "adresse@exemple.fr",
		TrackingCode: "APERÇU", Form: form}
	s.Render(c, status, "citizen/draft", pg)
}

// readPreviewPost reads the preview's form: its text values, its files read
// and dropped, the whole bounded.
func readPreviewPost(c *gin.Context, limit int64) (url.Values, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	if !strings.HasPrefix(c.ContentType(), "multipart/") {
		err := c.Request.ParseForm()
		return c.Request.PostForm, err
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, err
	}
	values := url.Values{}
	for n := 0; n < web.MaxParts; n++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if part.FileName() != "" || strings.HasPrefix(part.FormName(), "fichier:") {
			if _, err := io.Copy(io.Discard, part); err != nil {
				return nil, err
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, 64<<10))
		if err != nil {
			return nil, err
		}
		values.Add(part.FormName(), string(b))
	}
	return values, nil
}
