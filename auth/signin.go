package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"guichet/clock"
	"guichet/models"
)

// Failed sign-ins slow an attacker down without shutting a legitimate agent
// out for good: past a few failures on one account (or many from one
// address, which catches one password tried on many accounts), sign-in is
// refused for a window that doubles with each new failure, up to a cap; an
// hour without failures forgets them, and so does a password reset.
var (
	AccountPolicy = models.ThrottlePolicy{Limit: 5, Base: time.Minute, Max: 15 * time.Minute, Forget: time.Hour}
	AddressPolicy = models.ThrottlePolicy{Limit: 20, Base: time.Minute, Max: time.Hour, Forget: time.Hour}
	// ResetPolicy bounds the reset e-mails one address can be sent.
	ResetPolicy = models.ThrottlePolicy{Limit: 3, Base: 15 * time.Minute, Max: time.Hour, Forget: time.Hour}
)

// ErrBadCredentials: the address is unknown, the agent deactivated, or the
// password wrong. Which one is never told.
var ErrBadCredentials = errors.New("bad credentials")

// ErrCommuneClosed: the password is right, but the agent's commune is
// deactivated. Told only to whoever knows the password.
var ErrCommuneClosed = errors.New("commune deactivated")

// LockedError: sign-in is refused until Until, whatever the password.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string { return "sign-in locked until " + e.Until.Format(time.RFC3339) }

func accountKey(email string) string { return "compte:" + strings.ToLower(strings.TrimSpace(email)) }
func addressKey(ip string) string    { return "ip:" + ip }
func resetKey(email string) string   { return "reinit:" + strings.ToLower(strings.TrimSpace(email)) }

// Authenticator checks agents' passwords.
type Authenticator struct {
	DB     bun.IDB
	Params Params      // for new hashes, and the decoy one
	Clock  clock.Clock // judges locks and dates failures

	decoyOnce sync.Once
	decoy     string
}

// decoyHash is checked when the address is unknown, so that the answer
// takes as long as for a known one and does not tell which addresses exist.
// It is made once, even if the first caller gives up meanwhile.
func (au *Authenticator) decoyHash(ctx context.Context) string {
	au.decoyOnce.Do(func() { au.decoy, _ = HashPassword(context.WithoutCancel(ctx), "decoy password", au.Params) })
	return au.decoy
}

// SignIn checks an agent's address and password, from the client address ip.
// It returns the agent, ErrBadCredentials, ErrCommuneClosed or a *LockedError.
func (au *Authenticator) SignIn(ctx context.Context, email, password, ip string) (*models.Agent, error) {
	keys := []string{accountKey(email), addressKey(ip)}
	now := au.Clock.Now()
	until, err := models.LockedUntil(ctx, au.DB, keys, now)
	if err != nil {
		return nil, err
	}
	if until != nil {
		// Refused before the password is even checked: a lock gives no oracle.
		return nil, &LockedError{Until: *until}
	}
	a, err := models.AgentByEmail(ctx, au.DB, strings.TrimSpace(email))
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	hash := au.decoyHash(ctx)
	if err == nil && a.Active && a.PasswordHash != "" {
		hash = a.PasswordHash
	}
	ok, err := CheckPassword(ctx, hash, password)
	if ctx.Err() != nil {
		// The client gave up while waiting for its turn: not a failure.
		return nil, err
	}
	if ok && hash != au.decoy {
		com, err := models.CommuneByID(ctx, au.DB, a.CommuneID)
		switch {
		case err != nil:
			return nil, err
		case !com.Active:
			return nil, ErrCommuneClosed
		}
		return a, models.ClearThrottle(ctx, au.DB, keys[0])
	}
	var lock *time.Time
	for i, p := range []models.ThrottlePolicy{AccountPolicy, AddressPolicy} {
		st, err := models.RecordFailure(ctx, au.DB, keys[i], p, now)
		if err != nil {
			return nil, err
		}
		if st.LockedUntil != nil && st.LockedUntil.After(now) && (lock == nil || st.LockedUntil.After(*lock)) {
			lock = st.LockedUntil
		}
	}
	if lock != nil {
		return nil, &LockedError{Until: *lock}
	}
	return nil, ErrBadCredentials
}
