package backoffice

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/perm"
	"guichet/views"
)

// readProfileForm reads a profile form as typed, with a French message for
// each input it refuses; the form comes back filled in as sent.
func (s *Handlers) readProfileForm(c *gin.Context) (*models.Profile, profileForm, views.FormErrors, error) {
	errs := views.FormErrors{}
	name := strings.TrimSpace(c.PostForm("nom"))
	codes := c.PostFormArray("permissions")
	var scope []int64
	for _, v := range c.PostFormArray("demarches") {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs["demarches"] = "Choisissez les démarches dans la liste."
			continue
		}
		scope = append(scope, id)
	}
	set, err := perm.Parse(codes)
	if err != nil {
		errs["permissions"] = "Choisissez les permissions dans la liste."
	} else if err := perm.Check(set); err != nil {
		errs["permissions"] = err.Error()
	}
	switch {
	case name == "":
		errs["nom"] = "Donnez un nom au profil, par exemple « Agent de l'état civil »."
	case utf8.RuneCountInString(name) > 100:
		errs["nom"] = "Le nom du profil est trop long (100 caractères au plus)."
	}
	typed := perm.Set{}
	for _, code := range codes {
		typed = append(typed, perm.Permission(code))
	}
	f, ferr := s.newProfileForm(c, name, typed, scope)
	f.Version, _ = strconv.Atoi(c.PostForm("version"))
	p := &models.Profile{CommuneID: web.Commune(c).ID, Name: name, Permissions: set, ProcedureIDs: scope, Version: f.Version}
	return p, f, errs, ferr
}

// profileSaveError turns a refusal of the models into the form's message;
// ok is false for an error that is not the admin's input.
func profileSaveError(err error) (views.FormErrors, bool) {
	switch {
	case errors.Is(err, models.ErrTaken):
		return views.FormErrors{"nom": "La commune a déjà un profil de ce nom : choisissez-en un autre."}, true
	case errors.Is(err, models.ErrBadScope):
		return views.FormErrors{"demarches": "Choisissez les démarches dans la liste."}, true
	case errors.Is(err, models.ErrLockout):
		return views.FormErrors{"permissions": lockoutMessage}, true
	}
	return nil, false
}

// adminProfileCreate adds a profile to the commune.
func (s *Handlers) adminProfileCreate(c *gin.Context) {
	p, f, errs, err := s.readProfileForm(c)
	if err != nil {
		s.Fail(c, err)
		return
	}
	if len(errs) == 0 {
		err = models.CreateProfile(c.Request.Context(), s.DB, p)
		if e, ok := profileSaveError(err); ok {
			errs, err = e, nil
		}
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	if len(errs) > 0 {
		s.showAdminProfiles(c, http.StatusUnprocessableEntity, f, errs)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Profil « "+p.Name+" » ajouté : vous pouvez le donner aux agents.")
	web.Redirect(c, profilesPath)
}

// adminProfileUpdate stores a profile's form, unless another admin changed
// the profile since it was shown: then the profile comes back as it now is.
func (s *Handlers) adminProfileUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	stored, err := models.ProfileByID(ctx, s.DB, web.Commune(c).ID, web.IDParam(c, "pid"))
	if err != nil {
		s.Fail(c, err)
		return
	}
	p, f, errs, err := s.readProfileForm(c)
	if err != nil {
		s.Fail(c, err)
		return
	}
	p.ID = stored.ID
	if len(errs) == 0 {
		err = models.UpdateProfile(ctx, s.DB, p, currentAgent(c).ID)
		if e, ok := profileSaveError(err); ok {
			errs, err = e, nil
		}
	}
	if errors.Is(err, models.ErrStale) {
		fresh, err := models.ProfileByID(ctx, s.DB, stored.CommuneID, stored.ID)
		if err == nil {
			f, err = s.newProfileForm(c, fresh.Name, fresh.Permissions, fresh.ProcedureIDs)
			f.Version = fresh.Version
		}
		if err != nil {
			s.Fail(c, err)
			return
		}
		s.showAdminProfile(c, http.StatusConflict, fresh, f, nil, &views.Flash{Kind: views.FlashError,
			Text: "Ce profil a été modifié entre-temps par un autre administrateur : voici sa version actuelle. Vos changements n'ont pas été enregistrés ; refaites-les si besoin."})
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	if len(errs) > 0 {
		s.showAdminProfile(c, http.StatusUnprocessableEntity, stored, f, errs, nil)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Profil « "+p.Name+" » enregistré : ses agents ont ses nouvelles permissions dès leur prochaine page.")
	web.Redirect(c, profilesPath)
}

// adminProfileDelete deletes a profile that no agent has.
func (s *Handlers) adminProfileDelete(c *gin.Context) {
	ctx := c.Request.Context()
	pr, err := models.ProfileByID(ctx, s.DB, web.Commune(c).ID, web.IDParam(c, "pid"))
	if err == nil {
		err = models.DeleteProfile(ctx, s.DB, pr.CommuneID, pr.ID)
	}
	if errors.Is(err, models.ErrInUse) {
		s.RenderError(c, http.StatusConflict, "Profil utilisé", "Des agents ont le profil « "+pr.Name+" » : donnez-leur un autre profil, sur la page des agents, avant de le supprimer.")
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Profil « "+pr.Name+" » supprimé.")
	web.Redirect(c, profilesPath)
}
