package citizen

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// homeShow lists the communes this instance serves.
func (s *Handlers) homeShow(c *gin.Context) {
	ctx := c.Request.Context()
	cs, err := models.ListCommunes(ctx, s.DB)
	if err != nil {
		s.Fail(c, err)
		return
	}
	var data views.HomeData
	for i := range cs {
		data.Communes = append(data.Communes, *web.ViewCommune(&cs[i]))
	}
	p := s.Page(c, "Guichet unique")
	p.Data = data
	s.Render(c, http.StatusOK, "home", p)
}
