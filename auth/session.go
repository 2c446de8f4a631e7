package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/uptrace/bun"

	"guichet/models"
)

// A session lasts a working day at most, and ends earlier when unused for a
// long while (a shared desk computer left signed in).
const (
	SessionLifetime = 12 * time.Hour
	SessionIdle     = 4 * time.Hour
	// touchEvery limits the writes that keep a session alive.
	touchEvery = time.Minute
)

// hashToken is what the database stores of a session token.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// StartSession opens a session for the agent at now and returns the token for its cookie.
func StartSession(ctx context.Context, db bun.IDB, a *models.Agent, ip, userAgent string, now time.Time) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	s := &models.Session{TokenHash: hashToken(token), CommuneID: a.CommuneID, AgentID: a.ID,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime), IP: ip, UserAgent: userAgent}
	return token, models.CreateSession(ctx, db, s)
}

// CurrentSession finds the session a token opens, live at now, and its
// agent; an unknown, revoked, expired or idle token, or a deactivated agent,
// gives models.ErrNotFound.
func CurrentSession(ctx context.Context, db bun.IDB, token string, now time.Time) (*models.Session, *models.Agent, error) {
	if token == "" {
		return nil, nil, models.ErrNotFound
	}
	s, a, err := models.ActiveSession(ctx, db, hashToken(token), now, SessionIdle)
	if err != nil {
		return nil, nil, err
	}
	if now.Sub(s.LastSeenAt) > touchEvery {
		if err := models.TouchSession(ctx, db, s.ID, now); err != nil {
			return nil, nil, err
		}
	}
	return s, a, nil
}

// EndSession revokes the session a token opens.
func EndSession(ctx context.Context, db bun.IDB, token string) error {
	return models.RevokeSession(ctx, db, hashToken(token))
}

// Purge deletes stale sign-in records (models.PurgeSignIns): sessions 30
// days after they ended, failure counts once forgotten, reset links after
// a week.
func Purge(ctx context.Context, db bun.IDB, now time.Time) (int, error) {
	return models.PurgeSignIns(ctx, db, now, 30*24*time.Hour, max(AccountPolicy.Forget, AddressPolicy.Forget, ResetPolicy.Forget), 7*24*time.Hour)
}
