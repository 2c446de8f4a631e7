package service

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/files"
	"guichet/forms"
	"guichet/handlers/web"
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
	// One file; none received when the name typed before it is refused anyway.
	text, att, up, refusal, err := s.ReadOneFile(c, l.Commune.ID, l.Demand.ID, web.OneFileForm{File: fileInput, Text: []string{filePerson},
		Ready: func(text map[string]string) bool {
			return validate.Struct(personInput{text[filePerson]}) == nil && forms.Storable(text[filePerson])
		}})
	person := text[filePerson]
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
	err = s.KeepUpload(c, up, func(keep files.KeepFunc) error {
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
