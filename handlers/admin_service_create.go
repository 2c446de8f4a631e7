package handlers

import (
	"errors"
	"net/http"
	"net/mail"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/models"
	"guichet/views"
)

// adminServiceCreate adds a service to the commune: it can receive demands
// at once, through links e-mailed to its address.
func (s *Server) adminServiceCreate(c *gin.Context) {
	name, email := strings.TrimSpace(c.PostForm("nom")), strings.TrimSpace(c.PostForm("email"))
	form := map[string]any{"nom": name, "email": email}
	errs := views.FormErrors{}
	if name == "" {
		errs["nom"] = "Indiquez le nom du service, par exemple « Voirie »."
	}
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		errs["email"] = "Indiquez l'adresse e-mail où le service recevra les demandes, par exemple voirie@mairie.fr."
	}
	if len(errs) > 0 {
		s.showAdminServices(c, http.StatusUnprocessableEntity, form, errs)
		return
	}
	err := models.CreateService(c, s.DB, &models.Service{CommuneID: commune(c).ID, Name: name, Email: email, Active: true})
	if errors.Is(err, models.ErrTaken) {
		s.showAdminServices(c, http.StatusUnprocessableEntity, form, views.FormErrors{"nom": "La commune a déjà un service de ce nom."})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, views.FlashSuccess, "Service « "+name+" » ajouté : l'accueil peut lui transmettre des demandes.")
	redirect(c, "/gestion/admin/services")
}
