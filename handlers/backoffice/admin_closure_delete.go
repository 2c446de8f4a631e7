package backoffice

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/deadline"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// adminClosureDelete removes a closure of the admin's commune.
func (s *Handlers) adminClosureDelete(c *gin.Context) {
	row, err := models.DeleteClosure(c.Request.Context(), s.DB, web.Commune(c).ID, web.IDParam(c, "fid"))
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(deadline.RetimeJob) // the due times follow the new calendar
	cl := row.Calendar()
	s.SetFlash(c, views.FlashSuccess, "Fermeture « "+cl.Label+" » du "+cl.From.French()+" au "+cl.To.French()+" supprimée.")
	web.Redirect(c, calendarPath+"?annee="+strconv.Itoa(cl.From.Year))
}
