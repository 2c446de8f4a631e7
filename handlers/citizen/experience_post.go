package citizen

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/satisfaction"
	"guichet/views"
)

// experiencePost records an experience posted from "Je donne mon avis",
// to be moderated before anything of it is public.
func (s *Handlers) experiencePost(c *gin.Context) {
	cm := web.Commune(c)
	in := satisfaction.PostInput{Body: c.PostForm("experience"), Email: c.PostForm("email"), Client: c.ClientIP()}
	in.ServiceID, _ = strconv.ParseInt(c.PostForm("service"), 10, 64)
	_, err := s.Satisfaction.Post(c.Request.Context(), cm, in)
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		typed := map[string]any{"experience": in.Body, "email": in.Email, "service": c.PostForm("service")}
		s.showExperiences(c, web.StatusOf(e.Code), typed, e.Fields)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Merci : votre avis est reçu. Il sera relu avant d'être publié, et vous serez prévenu par e-mail à "+in.Email+".")
	web.Redirect(c, "/c/"+cm.Slug+"/avis")
}
