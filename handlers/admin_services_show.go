package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/models"
	"guichet/views"
)

// adminServicesShow lists the commune's services, with the form to add one.
func (s *Server) adminServicesShow(c *gin.Context) {
	s.showAdminServices(c, http.StatusOK, nil, nil)
}

func (s *Server) showAdminServices(c *gin.Context, status int, form map[string]any, errs views.FormErrors) {
	ss, err := models.ListServices(c, s.DB, commune(c).ID, false)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := s.page(c, "Services")
	p.Form, p.Errors = form, errs
	p.Data = ss
	s.render(c, status, "admin/services", p)
}
