package backoffice

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// motifParent reads a motif form's parent: empty for the top of the tree.
func motifParent(raw string) (*int64, bool) {
	if raw == "" {
		return nil, true
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	return &id, err == nil && id > 0
}

// motifRefused shows the page again with the refusal beside its input
// (keyed by key), what was typed kept; another error fails.
func (s *Handlers) motifRefused(c *gin.Context, err error, key func(string) string, form map[string]any) {
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.Invalid {
		errs := views.FormErrors{}
		for k, v := range e.Fields {
			errs[key(k)] = v
		}
		s.showAdminMotifs(c, http.StatusUnprocessableEntity, form, errs)
		return
	}
	s.Fail(c, err)
}

// adminMotifCreate adds a theme, or a motif or sous-motif under another.
func (s *Handlers) adminMotifCreate(c *gin.Context) {
	name, raw := strings.TrimSpace(c.PostForm("nom")), c.PostForm("parent")
	form := map[string]any{"nom": name, "parent": raw}
	same := func(k string) string { return k }
	parent, ok := motifParent(raw)
	if !ok {
		s.motifRefused(c, apperr.Field("parent", "Choisissez le parent dans la liste."), same, form)
		return
	}
	m := &models.Motif{CommuneID: web.Commune(c).ID, ParentID: parent, Name: name}
	if err := models.CreateMotif(c.Request.Context(), s.DB, m); err != nil {
		s.motifRefused(c, err, same, form)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Motif « "+m.Name+" » ajouté.")
	web.Redirect(c, motifsPath)
}

// adminMotifUpdate renames a motif and moves it (under another, or to the top).
func (s *Handlers) adminMotifUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	id := web.IDParam(c, "mid")
	name, raw := strings.TrimSpace(c.PostForm("nom")), c.PostForm("parent")
	form := map[string]any{motifInput(id, "nom"): name, motifInput(id, "parent"): raw}
	key := func(k string) string { return motifInput(id, k) }
	parent, ok := motifParent(raw)
	if !ok {
		s.motifRefused(c, apperr.Field("parent", "Choisissez le parent dans la liste."), key, form)
		return
	}
	if err := models.UpdateMotif(ctx, s.DB, web.Commune(c).ID, id, name, parent); err != nil {
		s.motifRefused(c, err, key, form)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Motif « "+name+" » enregistré.")
	web.Redirect(c, motifsPath)
}

// adminMotifActivate deactivates a motif (offered no more, with what is
// under it; the demands and procedures that have it keep it) or
// reactivates it. A motif is never deleted: demands may point at it.
func (s *Handlers) adminMotifActivate(active bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := models.SetMotifActive(c.Request.Context(), s.DB, web.Commune(c).ID, web.IDParam(c, "mid"), active); err != nil {
			s.Fail(c, err)
			return
		}
		msg := "Motif désactivé : il n'est plus proposé, ni ce qui est classé dessous ; les demandes et démarches qui l'ont le gardent."
		if active {
			msg = "Motif réactivé."
		}
		s.SetFlash(c, views.FlashSuccess, msg)
		web.Redirect(c, motifsPath)
	}
}
