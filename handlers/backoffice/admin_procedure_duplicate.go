package backoffice

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/forms"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// adminProcedureDuplicate copies a procedure's latest version into a new,
// unpublished procedure with the address the admin chose.
func (s *Handlers) adminProcedureDuplicate(c *gin.Context) {
	ctx := c.Request.Context()
	p, ok := s.adminProcedure(c)
	if !ok {
		return
	}
	def, err := s.definitionOf(c, p)
	if err != nil {
		s.Fail(c, err)
		return
	}
	edited := forms.EditorOf(def)
	def.Slug = strings.TrimSpace(c.PostForm("copie-slug"))
	def.Title += " (copie)"
	refuse := func(msg string) {
		s.renderEditor(c, http.StatusUnprocessableEntity, p, edited, p.Revision,
			map[string]string{"copie-slug": msg}, nil, map[string]any{"copie-slug": def.Slug})
	}
	for _, pb := range def.Problems() {
		if pb.Attr == "slug" {
			refuse(forms.Sentence(pb.Msg))
			return
		}
	}
	np := def.Procedure(p.CommuneID)
	a := currentAgent(c)
	np.CreatedBy, np.CreatedByName = &a.ID, a.Name
	err = models.CreateProcedure(ctx, s.DB, np)
	if errors.Is(err, models.ErrTaken) {
		refuse("Une démarche de la commune a déjà cet identifiant : choisissez-en un autre.")
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Copie « "+np.Title+" » créée, non publiée.")
	web.Redirect(c, procedurePath(np.ID))
}
