package service

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/files"
	"guichet/forms"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/servicelink"
	"guichet/validate"
	"guichet/views"
)

// The service's form to add a file for the accueil.
const (
	fileSlug   = "piece"
	fileInput  = fileSlug + "-fichier"
	filePerson = fileSlug + "-person"
)

// serviceFileUpload attaches a file the service adds for the accueil (a
// site report, a photo…): internal, never shown to the citizen, recorded
// in the history. Like the citizen's uploads, it is streamed to disk, its
// type checked from its content, its size bounded.
func (s *Handlers) serviceFileUpload(c *gin.Context) {
	ctx := c.Request.Context()
	l := s.serviceLink(c)
	if l == nil {
		return
	}
	if !l.CanAct() {
		s.renderServiceStatus(c, l, http.StatusForbidden, "", nil)
		return
	}
	person, att, up, refusal, err := s.readServiceFile(c, l)
	defer up.Discard()
	if err != nil {
		s.Fail(c, err)
		return
	}
	personErrs := validate.Struct(personInput{person})
	refuse := func(field, msg string) {
		up.Discard() // before the answer: once it is read, nothing is left
		s.renderServiceDemand(c, l, http.StatusUnprocessableEntity, "service/show", views.Page{
			Form: map[string]any{"open": fileSlug, filePerson: person}, Errors: views.FormErrors{field: msg}})
	}
	switch {
	case !forms.Storable(person):
		person = forms.Clean(person)
		refuse(filePerson, forms.Unstorable)
		return
	case personErrs != nil:
		refuse(filePerson, personErrs["person"])
		return
	case refusal != "":
		refuse(fileInput, refusal)
		return
	case att == nil:
		refuse(fileInput, "Choisissez le fichier à joindre.")
		return
	}
	err = s.KeepUpload(c, up, func(keep func() error) error {
		_, err := s.Engine.AddFile(ctx, l.Demand.ID, l.Actor(person), att, s.FileLimits(), keep)
		return err
	})
	limit, err := s.LimitReached(c, l.Commune.ID, l.Demand.ID, "", att.Filename, err)
	switch {
	case limit != "":
		refuse(fileInput, limit)
	case apperr.CodeOf(err) == apperr.Forbidden:
		up.Discard()
		s.renderServiceStatus(c, l, http.StatusForbidden, apperr.As(err).Message, nil)
	case err != nil:
		s.Fail(c, err)
	default:
		s.SetFlash(c, views.FlashSuccess, "« "+att.Filename+" » est joint à la demande. L'accueil le verra ; l'usager ne le voit pas.")
		web.Redirect(c, l.Path())
	}
}

// readServiceFile reads the form as a stream, receiving the file as it
// arrives; a file refused comes back with the French reason. The upload
// received, if any, is returned with every answer: the caller discards it.
func (s *Handlers) readServiceFile(c *gin.Context, l *servicelink.Access) (person string, att *models.Attachment, up *files.Upload, refusal string, err error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.Config.MaxFileSize+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return "", nil, nil, "", nil // no file was sent
	}
	tooLarge := func(err error) (string, *models.Attachment, *files.Upload, string, error) {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return person, nil, up, fmt.Sprintf("Le fichier est trop volumineux : %s au plus.", web.LimitSize(s.Config.MaxFileSize)), nil
		case web.BadPart(err):
			return person, nil, up, web.BadPartRefusal, nil
		}
		return person, nil, up, "", err
	}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			return person, att, up, refusal, nil
		}
		if err != nil {
			return tooLarge(err)
		}
		if n > web.MaxParts {
			return person, nil, up, web.TooManyParts, nil
		}
		switch {
		case part.FormName() == filePerson:
			// Enough to be more than any name personInput accepts.
			b, err := io.ReadAll(io.LimitReader(part, 1<<10))
			if err != nil {
				return tooLarge(err)
			}
			person = strings.TrimSpace(string(b))
		// One file; none received when the name typed before it is refused anyway.
		case part.FormName() == fileInput && part.FileName() != "" && att == nil && refusal == "" &&
			validate.Struct(personInput{person}) == nil && forms.Storable(person):
			var name string
			up, name, refusal, err = s.ReceiveFile(c, l.Commune.ID, l.Demand.ID, "", part)
			if err != nil {
				return tooLarge(err)
			}
			if refusal == "" {
				att = &models.Attachment{Filename: name, ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256}
			}
		}
		if _, err := io.Copy(io.Discard, part); err != nil {
			return tooLarge(err)
		}
	}
}
