package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/auth"
)

// resetData is the data of the page where a password is chosen.
type resetData struct {
	Token string
	Email string
}

// resetShow shows the form to choose a new password. It only looks: mail
// scanners that open the link use nothing up.
func (s *Handlers) resetShow(c *gin.Context) {
	ctx := c.Request.Context()
	a, _, err := auth.CheckReset(ctx, s.DB, s.Links, c.Param("token"))
	if err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, "Choisir un nouveau mot de passe")
	p.Data = resetData{Token: c.Param("token"), Email: a.Email}
	s.Render(c, http.StatusOK, "agent/reset", p)
}
