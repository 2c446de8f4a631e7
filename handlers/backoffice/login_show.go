package backoffice

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// loginData is the sign-in page's data.
type loginData struct {
	Next    string // where to go after sign-in
	Resume  string // a form kept through sign-in (see resume)
	Message string // why sign-in is asked for
}

// loginShow is the back office's sign-in page.
func (s *Handlers) loginShow(c *gin.Context) {
	next := c.Query("suite")
	if !localPath(next) {
		next = ""
	}
	p := s.Page(c, "Connexion")
	p.Data = loginData{Next: next}
	s.Render(c, http.StatusOK, "agent/login", p)
}
