package backoffice

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/auth"
	"guichet/handlers/web"
	"guichet/jobs"
	"guichet/models"
	"guichet/validate"
	"guichet/views"
)

// resetRequestInput is the form asking for a reset link.
type resetRequestInput struct {
	Email string `form:"email" label:"l'adresse e-mail de votre compte" example:"prenom.nom@mairie.fr" validate:"required,max=254,address"`
}

// resetRequestCreate e-mails a reset link to an active agent's address. The
// answer is the same whether the address is known or not, and so is the
// work done before it: the request is counted and queued, and the mail
// worker looks the address up (MailResetRequests). The number of mails one
// address can be sent is bounded.
func (s *Handlers) resetRequestCreate(c *gin.Context) {
	ctx := c.Request.Context()
	in := resetRequestInput{Email: strings.TrimSpace(c.PostForm("email"))}
	if errs := validate.Struct(in); errs != nil {
		p := s.Page(c, "Mot de passe oublié")
		p.Form = map[string]any{"email": in.Email}
		p.Errors = errs
		s.Render(c, http.StatusUnprocessableEntity, "agent/reset_request", p)
		return
	}
	ok, err := auth.ResetRequestAllowed(ctx, s.DB, in.Email, s.Clock.Now())
	if err == nil && ok {
		err = models.QueueResetRequest(ctx, s.DB, in.Email)
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.Jobs.Wake(jobs.MailJob)
	s.SetFlash(c, views.FlashInfo, "Si un compte correspond à cette adresse, un e-mail vient de lui être envoyé avec un lien pour choisir un nouveau mot de passe, valable une heure. Pensez à regarder dans les indésirables.")
	web.Redirect(c, "/gestion/connexion")
}

// resetBatch is how many queued reset requests one transaction handles.
const resetBatch = 20

// MailResetRequests turns the queued reset requests into reset mails, for
// the addresses of active agents; the others come to nothing. The mail
// worker runs it before each look at the outbox.
func (s *Handlers) MailResetRequests(ctx context.Context) error {
	for {
		var emails []string
		err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			var err error
			if emails, err = models.TakeResetRequests(ctx, tx, resetBatch); err != nil {
				return err
			}
			for _, email := range emails {
				a, err := models.AgentByEmail(ctx, tx, email)
				if errors.Is(err, models.ErrNotFound) || (err == nil && !a.Active) {
					continue
				}
				if err != nil {
					return err
				}
				if err := s.mailPasswordLink(ctx, tx, a, auth.ResetLinkTTL, false); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || len(emails) < resetBatch {
			return err
		}
	}
}

// mailPasswordLink issues a single-use link for the agent to choose a
// password, and queues the e-mail that carries it. The agents of a
// deactivated commune get none: they cannot sign in.
func (s *Handlers) mailPasswordLink(ctx context.Context, tx bun.Tx, a *models.Agent, ttl time.Duration, invite bool) error {
	com, err := models.CommuneByID(ctx, tx, a.CommuneID)
	if err != nil || !com.Active {
		return err
	}
	_, err = s.Notifier.MailPasswordLink(ctx, tx, com, a, ttl, invite)
	return err
}
