package citizen

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/links"
	"guichet/models"
	"guichet/satisfaction"
	"guichet/views"
)

// ratingData is the Data of "citizen/rating".
type ratingData struct {
	About  string // what is rated, in a sentence
	Action string
	Scores []views.Option
}

var scores = []views.Option{
	{Value: "1", Label: "1 — Pas du tout satisfait"},
	{Value: "2", Label: "2 — Peu satisfait"},
	{Value: "3", Label: "3 — Moyennement satisfait"},
	{Value: "4", Label: "4 — Satisfait"},
	{Value: "5", Label: "5 — Très satisfait"},
}

// ratingShow shows the rating page of a signed rating link: a score from
// 1 to 5 (radio buttons) and an optional comment, without an account.
func (s *Handlers) ratingShow(c *gin.Context) {
	r, ok := s.openRating(c)
	if ok {
		s.showRating(c, http.StatusOK, r, nil, nil)
	}
}

// openRating checks the link, or answers why it does not open.
func (s *Handlers) openRating(c *gin.Context) (*models.Rating, bool) {
	r, err := s.Satisfaction.Open(c.Request.Context(), s.DB, web.Commune(c), c.Param("token"))
	if !s.ratingRefused(c, err) {
		return nil, false
	}
	return r, true
}

// ratingRefused answers a rating link that does not open; it tells
// whether the request may go on.
func (s *Handlers) ratingRefused(c *gin.Context, err error) bool {
	switch {
	case err == nil:
		return true
	case errors.Is(err, links.ErrExpired):
		s.RenderError(c, http.StatusGone, "Lien expiré", "Ce lien pour donner votre avis a expiré : il servait 30 jours. Vous pouvez toujours écrire à la mairie depuis « Contacter la mairie ».")
	case errors.Is(err, satisfaction.ErrRated):
		s.RenderError(c, http.StatusGone, "Avis déjà donné", "Vous avez déjà donné votre avis avec ce lien, qui ne sert qu'une fois. Merci !")
	case errors.Is(err, links.ErrInvalid):
		s.RenderError(c, http.StatusForbidden, "Lien non valable", "Ce lien ne permet de donner aucun avis : il est incomplet ou a été modifié. Copiez l'adresse entière reçue par e-mail.")
	default:
		s.Fail(c, err)
	}
	return false
}

func (s *Handlers) showRating(c *gin.Context, status int, r *models.Rating, typed map[string]any, errs views.FormErrors) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	data := ratingData{About: "la réponse du service à votre avis", Action: "/c/" + cm.Slug + "/evaluer/" + c.Param("token"), Scores: scores}
	switch {
	case r.DemandID != nil:
		d, err := models.DemandByID(ctx, s.DB, cm.ID, *r.DemandID)
		if err != nil {
			s.Fail(c, err)
			return
		}
		data.About = "la réponse à votre demande " + d.Reference
	case r.ConversationID != nil:
		cv, err := models.ConversationByID(ctx, s.DB, cm.ID, *r.ConversationID)
		if err != nil {
			s.Fail(c, err)
			return
		}
		data.About = "la réponse à votre message « " + cv.Subject + " » (" + cv.Reference + ")"
	}
	p := s.Page(c, "Donner mon avis")
	p.Form, p.Errors, p.Data = typed, errs, data
	s.Render(c, status, "citizen/rating", p)
}
