package backoffice

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/validate"
	"guichet/views"
)

// serviceInput is the admin's form to add a service.
type serviceInput struct {
	Name  string `form:"nom" label:"le nom du service" example:"« Voirie »" validate:"required,max=200"`
	Email string `form:"email" label:"l'adresse e-mail où le service recevra les demandes" example:"voirie@mairie.fr" validate:"required,max=254,address"`
}

// adminServiceCreate adds a service to the commune: it can receive demands
// at once, through links e-mailed to its address.
func (s *Handlers) adminServiceCreate(c *gin.Context) {
	ctx := c.Request.Context()
	in := serviceInput{Name: strings.TrimSpace(c.PostForm("nom")), Email: strings.TrimSpace(c.PostForm("email"))}
	form := map[string]any{"nom": in.Name, "email": in.Email}
	if errs := validate.Struct(in); errs != nil {
		s.showAdminServices(c, http.StatusUnprocessableEntity, form, errs)
		return
	}
	err := models.CreateService(ctx, s.DB, &models.Service{CommuneID: web.Commune(c).ID, Name: in.Name, Email: in.Email, Active: true})
	if errors.Is(err, models.ErrTaken) {
		s.showAdminServices(c, http.StatusUnprocessableEntity, form, views.FormErrors{"nom": "La commune a déjà un service de ce nom."})
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Service « "+in.Name+" » ajouté : l'accueil peut lui transmettre des demandes.")
	web.Redirect(c, "/gestion/admin/services")
}
