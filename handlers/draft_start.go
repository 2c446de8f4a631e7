package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/forms"
	"guichet/models"
	"guichet/views"
)

// draftStart creates a draft from the citizen's e-mail address and name, and
// e-mails them the link to resume it, in one transaction.
func (s *Server) draftStart(c *gin.Context) {
	p, ok := s.activeProcedure(c)
	if !ok {
		return
	}
	cm := commune(c)
	email, name := strings.TrimSpace(c.PostForm("email")), strings.TrimSpace(c.PostForm("nom"))
	errs := views.FormErrors{}
	if email == "" {
		errs["email"] = "Indiquez votre adresse e-mail : la mairie vous écrira à cette adresse."
	} else if _, msg := forms.Normalize(models.Field{Type: "email", Label: "Adresse e-mail"}, email); msg != "" {
		errs["email"] = msg
	}
	switch {
	case name == "":
		errs["nom"] = "Indiquez vos nom et prénom."
	case utf8.RuneCountInString(name) > 200:
		errs["nom"] = "Vos nom et prénom sont trop longs : 200 caractères au plus."
	}
	if len(errs) > 0 {
		s.showProcedure(c, http.StatusUnprocessableEntity, p, map[string]any{"email": email, "nom": name}, errs)
		return
	}
	var link string
	err := s.DB.RunInTx(c, nil, func(ctx context.Context, tx bun.Tx) error {
		d, err := models.NewDraft(ctx, tx, cm.ID, p.ID, email)
		if err != nil {
			return err
		}
		if err := models.SetCitizenName(ctx, tx, d, name); err != nil {
			return err
		}
		link, err = s.Notifier.DraftStarted(ctx, tx, cm, d, p)
		return err
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	u, err := url.Parse(link)
	if err != nil {
		s.fail(c, err)
		return
	}
	setFlash(c, views.FlashSuccess, "Votre brouillon est créé. Nous venons d'envoyer à "+email+" un lien pour le reprendre à tout moment.")
	redirect(c, u.Path)
}
