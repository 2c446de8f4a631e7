package backoffice

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// adminServicesShow lists the commune's services, with the form to add one
// and, for each, the actions on its links.
func (s *Handlers) adminServicesShow(c *gin.Context) {
	s.showAdminServices(c, http.StatusOK, nil, nil)
}

// adminServicesData is the Data of "admin/services".
type adminServicesData struct {
	Services  []models.Service
	BoardDays int // how long a board link lives
}

// The actions on a service's links: their URL's last segment, which also
// names their form's inputs.
const (
	slugBoardLink   = "lien-tableau"
	slugRevokeLinks = "revoquer-liens"
)

// serviceFieldID is the id of an input of a service's action form: one
// page holds the forms of every service.
func serviceFieldID(slug string, serviceID int64, name string) string {
	return slug + "-" + strconv.FormatInt(serviceID, 10) + "-" + name
}

func (s *Handlers) showAdminServices(c *gin.Context, status int, form map[string]any, errs views.FormErrors) {
	ctx := c.Request.Context()
	ss, err := models.ListServices(ctx, s.DB, web.Commune(c).ID, false)
	if err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, "Services")
	p.Form, p.Errors = form, errs
	p.Data = adminServicesData{Services: ss, BoardDays: int(s.Config.BoardLinkTTL.Hours() / 24)}
	s.Render(c, status, "admin/services", p)
}

// confirmedService loads the service of the URL, in the admin's commune,
// once the action's confirmation box is ticked; unticked, the page comes
// back with the box flagged. It returns nil when the handler must stop.
func (s *Handlers) confirmedService(c *gin.Context, slug, unticked string) *models.Service {
	ctx := c.Request.Context()
	sv, err := models.ServiceByID(ctx, s.DB, web.Commune(c).ID, web.IDParam(c, "sid"))
	if err != nil {
		s.Fail(c, err)
		return nil
	}
	if c.PostForm("confirmer") == "" {
		s.showAdminServices(c, http.StatusUnprocessableEntity, nil,
			views.FormErrors{serviceFieldID(slug, sv.ID, "confirmer"): unticked})
		return nil
	}
	return sv
}
