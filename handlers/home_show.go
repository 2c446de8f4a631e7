package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/models"
	"guichet/views"
)

// homeShow lists the communes this instance serves.
func (s *Server) homeShow(c *gin.Context) {
	cs, err := models.ListCommunes(c, s.DB)
	if err != nil {
		s.fail(c, err)
		return
	}
	var data views.HomeData
	for i := range cs {
		data.Communes = append(data.Communes, *viewCommune(&cs[i]))
	}
	p := s.page(c, "Guichet unique")
	p.Data = data
	s.render(c, http.StatusOK, "home", p)
}
