package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/links"
	"guichet/models"
)

// ResetLinkTTL is how long a password reset link works; InviteLinkTTL is the
// same for the link a new agent gets to choose a first password.
const (
	ResetLinkTTL  = time.Hour
	InviteLinkTTL = 72 * time.Hour
)

// Password length bounds: long passphrases are welcome, endless ones are not.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 256
)

// CheckNewPassword says, in French, what is wrong with a chosen password.
func CheckNewPassword(pw, confirm string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return apperr.Field("password", fmt.Sprintf("Choisissez un mot de passe d'au moins %d caractères.", MinPasswordLength))
	case n > MaxPasswordLength:
		return apperr.Field("password", fmt.Sprintf("Le mot de passe ne peut dépasser %d caractères.", MaxPasswordLength))
	case pw != confirm:
		return apperr.Field("confirm", "Les deux mots de passe ne sont pas identiques.")
	}
	return nil
}

// ResetRequestAllowed counts a reset request for an address at now and
// tells whether an e-mail may be sent, so that nobody can flood an agent's
// inbox.
func ResetRequestAllowed(ctx context.Context, db bun.IDB, email string, now time.Time) (bool, error) {
	st, err := models.RecordFailure(ctx, db, resetKey(email), ResetPolicy, now)
	return st.Failures <= ResetPolicy.Limit, err
}

// IssueReset records a single-use nonce for the agent, issued at now, and
// returns the signed token of its reset link.
func IssueReset(ctx context.Context, db bun.IDB, signer *links.Signer, a *models.Agent, ttl time.Duration, now time.Time) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	nonce := base64.RawURLEncoding.EncodeToString(b)
	if err := models.CreatePasswordReset(ctx, db, &models.PasswordReset{Nonce: nonce, CommuneID: a.CommuneID, AgentID: a.ID, CreatedAt: now}); err != nil {
		return "", err
	}
	return signer.Sign(links.Reset, links.Claims{CommuneID: a.CommuneID, AgentID: a.ID, Nonce: nonce}, ttl)
}

var (
	errResetInvalid = apperr.New(apperr.NotFound, "Ce lien de réinitialisation n'est pas valide. Vérifiez qu'il a été copié en entier, ou demandez-en un nouveau.")
	errResetExpired = apperr.New(apperr.Forbidden, "Ce lien de réinitialisation a expiré. Demandez-en un nouveau : il sera valable une heure.")
	errResetUsed    = apperr.New(apperr.Forbidden, "Ce lien de réinitialisation a déjà servi. Si vous n'avez pas changé votre mot de passe vous-même, demandez un nouveau lien.")
	errResetClosed  = apperr.New(apperr.Forbidden, "Le guichet unique de votre commune n'est plus en service : ce lien ne permet plus de choisir un mot de passe. Rien n'a été supprimé ; pour toute question, adressez-vous à l'exploitant du guichet unique.")
)

// CheckReset verifies a reset token: genuine, not expired, not used, for an
// active agent of an active commune. It returns the agent.
func CheckReset(ctx context.Context, db bun.IDB, signer *links.Signer, token string) (*models.Agent, links.Claims, error) {
	cl, err := signer.Verify(links.Reset, token)
	switch {
	case errors.Is(err, links.ErrExpired):
		return nil, cl, errResetExpired
	case err != nil:
		return nil, cl, errResetInvalid
	}
	a, err := models.AgentByID(ctx, db, cl.CommuneID, cl.AgentID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && !a.Active) {
		return nil, cl, errResetInvalid
	}
	if err != nil {
		return nil, cl, err
	}
	if com, err := models.CommuneByID(ctx, db, a.CommuneID); err != nil || !com.Active {
		if err == nil {
			err = errResetClosed
		}
		return nil, cl, err
	}
	if _, err := models.UnusedPasswordReset(ctx, db, cl.CommuneID, cl.AgentID, cl.Nonce); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return nil, cl, errResetUsed
		}
		return nil, cl, err
	}
	return a, cl, nil
}

// CompleteReset sets the agent's new password through a reset token, in one
// transaction: the link is used up (with any other pending one), every
// session of the agent ends, and failed sign-ins are forgotten.
func CompleteReset(ctx context.Context, db *bun.DB, signer *links.Signer, token, password, confirm string, p Params) (*models.Agent, error) {
	a, cl, err := CheckReset(ctx, db, signer, token)
	if err != nil {
		return nil, err
	}
	if err := CheckNewPassword(password, confirm); err != nil {
		return a, err
	}
	hash, err := HashPassword(ctx, password, p)
	if err != nil {
		return nil, err
	}
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := models.UsePasswordReset(ctx, tx, a.CommuneID, a.ID, cl.Nonce); err != nil {
			if errors.Is(err, models.ErrNotFound) {
				return errResetUsed
			}
			return err
		}
		if err := models.SetAgentPassword(ctx, tx, a.CommuneID, a.ID, hash); err != nil {
			return err
		}
		if err := models.RevokeAgentSessions(ctx, tx, a.CommuneID, a.ID); err != nil {
			return err
		}
		return models.ClearThrottle(ctx, tx, accountKey(a.Email))
	})
	return a, err
}
