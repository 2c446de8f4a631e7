package backoffice

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/auth"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/validate"
	"guichet/views"
)

// agentInput is the admin's form to add an agent; the profile is one of
// the commune's (checked after the struct).
type agentInput struct {
	Name    string `form:"nom" label:"le nom de l'agent" hint:"ses collègues le verront dans l'historique" validate:"required,max=200"`
	Email   string `form:"email" label:"l'adresse e-mail de l'agent" example:"prenom.nom@mairie.fr" validate:"required,max=254,address"`
	Profile string `form:"profil" label:"le profil de l'agent" validate:"required"`
}

// adminAgentCreate adds an agent to the commune and e-mails them a link to
// choose their password: nobody but them ever knows it.
func (s *Handlers) adminAgentCreate(c *gin.Context) {
	ctx := c.Request.Context()
	in := agentInput{Name: strings.TrimSpace(c.PostForm("nom")), Email: strings.TrimSpace(c.PostForm("email")), Profile: c.PostForm("profil")}
	form := map[string]any{"nom": in.Name, "email": in.Email, "profil": in.Profile}
	errs := validate.Struct(in)
	profile, err := s.formProfile(c, in.Profile)
	if err != nil {
		s.Fail(c, err)
		return
	}
	if profile == nil && (errs == nil || errs["profil"] == "") {
		if errs == nil {
			errs = views.FormErrors{}
		}
		errs["profil"] = "Choisissez le profil de l'agent dans la liste."
	}
	if errs != nil {
		s.showAdminAgents(c, http.StatusUnprocessableEntity, form, errs)
		return
	}
	a := &models.Agent{CommuneID: web.Commune(c).ID, Email: in.Email, Name: in.Name, ProfileID: profile.ID, Active: true}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := models.CreateAgent(ctx, tx, a); err != nil {
			return err
		}
		return s.mailPasswordLink(ctx, tx, a, auth.InviteLinkTTL, true)
	})
	if errors.Is(err, models.ErrTaken) {
		s.addressTaken(c, form, in.Email)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Compte de "+in.Name+" créé. Un e-mail l'invite à choisir son mot de passe (lien valable 3 jours).")
	web.Redirect(c, "/gestion/admin/agents")
}

// addressTaken refuses an address already used: sign-in addresses are
// unique across communes, since the sign-in does not ask for the commune.
// The admin sees their own agents, so is told when it is one of theirs; of
// an address used elsewhere, nothing is said but that it cannot be used.
func (s *Handlers) addressTaken(c *gin.Context, form map[string]any, email string) {
	ctx := c.Request.Context()
	msg := "Cette adresse ne peut pas être utilisée pour un nouveau compte : choisissez-en une autre. Si elle doit servir à cet agent, contactez l'exploitant du guichet unique."
	a, err := models.AgentByEmail(ctx, s.DB, email)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		s.Fail(c, err)
		return
	}
	if err == nil && a.CommuneID == web.Commune(c).ID {
		msg = "Cette adresse est déjà celle d'un agent de votre commune : " + a.Name + ", dans la liste des agents."
	}
	s.showAdminAgents(c, http.StatusUnprocessableEntity, form, views.FormErrors{"email": msg})
}
