package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/forms"
	"guichet/models"
	"guichet/views"
)

// How many drafts may be started in an hour, per e-mail address and per
// client address (several people may share one, at a town hall's desk).
const (
	draftsPerAddress = 5
	draftsPerClient  = 20
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
	typed := map[string]any{"email": email, "nom": name}
	if len(errs) > 0 {
		s.showProcedure(c, http.StatusUnprocessableEntity, p, typed, errs)
		return
	}
	// Each draft e-mails a link: bound how many anyone can make us send.
	// Counted in the database: shared by every process, kept across restarts.
	byAddress := models.RateLimit{Key: "brouillon:email:" + strings.ToLower(email), Max: draftsPerAddress, Per: time.Hour}
	byClient := models.RateLimit{Key: "brouillon:ip:" + c.ClientIP(), Max: draftsPerClient, Per: time.Hour}
	over, err := models.CountEvent(c, s.DB, s.Clock.Now(), byAddress, byClient)
	if err != nil {
		s.fail(c, err)
		return
	}
	if over != nil {
		why := "Trop de brouillons ont été commencés pour cette adresse e-mail au cours de la dernière heure."
		if over.Key == byClient.Key {
			why = "Trop de brouillons ont été commencés depuis votre connexion au cours de la dernière heure."
		}
		errs["email"] = why + " Pour éviter les envois abusifs, réessayez dans une heure. Si vous avez déjà reçu un e-mail avec un lien, utilisez-le pour reprendre votre brouillon."
		s.showProcedure(c, http.StatusTooManyRequests, p, typed, errs)
		return
	}
	var link string
	err = s.DB.RunInTx(c, nil, func(ctx context.Context, tx bun.Tx) error {
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
	s.setFlash(c, views.FlashSuccess, "Votre brouillon est créé. Nous venons d'envoyer à "+email+" un lien pour le reprendre à tout moment.")
	redirect(c, u.Path)
}
