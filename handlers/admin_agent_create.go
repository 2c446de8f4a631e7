package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/mail"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/auth"
	"guichet/models"
	"guichet/views"
)

// adminAgentCreate adds an agent to the commune and e-mails them a link to
// choose their password: nobody but them ever knows it.
func (s *Server) adminAgentCreate(c *gin.Context) {
	name, email, role := strings.TrimSpace(c.PostForm("nom")), strings.TrimSpace(c.PostForm("email")), c.PostForm("role")
	form := map[string]any{"nom": name, "email": email, "role": role}
	errs := views.FormErrors{}
	if name == "" {
		errs["nom"] = "Indiquez le nom de l'agent, tel que ses collègues le verront dans l'historique."
	}
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		errs["email"] = "Indiquez une adresse e-mail valide, par exemple prenom.nom@mairie.fr."
	}
	if !slices.Contains(allRoles, role) {
		errs["role"] = "Choisissez le rôle de l'agent."
	}
	if len(errs) > 0 {
		s.showAdminAgents(c, http.StatusUnprocessableEntity, form, errs)
		return
	}
	a := &models.Agent{CommuneID: commune(c).ID, Email: email, Name: name, Role: role, Active: true}
	err := s.DB.RunInTx(c, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := models.CreateAgent(ctx, tx, a); err != nil {
			return err
		}
		return s.mailPasswordLink(ctx, tx, a, auth.InviteLinkTTL, true)
	})
	if errors.Is(err, models.ErrTaken) {
		s.addressTaken(c, form, email)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, views.FlashSuccess, "Compte de "+name+" créé. Un e-mail l'invite à choisir son mot de passe (lien valable 3 jours).")
	redirect(c, "/gestion/admin/agents")
}

// addressTaken refuses an address already used: sign-in addresses are
// unique across communes, since the sign-in does not ask for the commune.
// The admin sees their own agents, so is told when it is one of theirs; of
// an address used elsewhere, nothing is said but that it cannot be used.
func (s *Server) addressTaken(c *gin.Context, form map[string]any, email string) {
	msg := "Cette adresse ne peut pas être utilisée pour un nouveau compte : choisissez-en une autre. Si elle doit servir à cet agent, contactez l'exploitant du guichet unique."
	a, err := models.AgentByEmail(c, s.DB, email)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		s.fail(c, err)
		return
	}
	if err == nil && a.CommuneID == commune(c).ID {
		msg = "Cette adresse est déjà celle d'un agent de votre commune : " + a.Name + ", dans la liste des agents."
	}
	s.showAdminAgents(c, http.StatusUnprocessableEntity, form, views.FormErrors{"email": msg})
}
