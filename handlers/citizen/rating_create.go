package citizen

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/satisfaction"
	"guichet/views"
)

// ratingCreate records the rating given through the link, once.
func (s *Handlers) ratingCreate(c *gin.Context) {
	cm := web.Commune(c)
	in := satisfaction.RateInput{Score: c.PostForm("note"), Comment: c.PostForm("commentaire")}
	r, err := s.Satisfaction.Rate(c.Request.Context(), cm, c.Param("token"), in)
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		if r, ok := s.openRating(c); ok {
			s.showRating(c, http.StatusUnprocessableEntity, r, map[string]any{"note": in.Score, "commentaire": in.Comment}, e.Fields)
		}
		return
	}
	if !s.ratingRefused(c, err) {
		return
	}
	msg := "Merci pour votre avis."
	if *r.Score <= satisfaction.LowScore {
		msg += " Un responsable de la mairie va le lire et pourra revenir vers vous."
	}
	s.SetFlash(c, views.FlashSuccess, msg)
	web.Redirect(c, "/c/"+cm.Slug+"/")
}
