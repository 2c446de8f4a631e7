// Package links signs and verifies the tokens carried by e-mailed links: a
// citizen's follow link, a service's action link, a service's board, a
// password reset. A token is bound to its purpose (securecookie's name), to
// the rows it names, and to an expiry of its own, so that "expired" can be
// told from "forged". Several key pairs allow rotation: the first signs, all
// verify.
package links

import (
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/securecookie"
)

// Purposes. A token made for one purpose never verifies for another.
const (
	Follow  = "follow"
	Service = "service"
	Board   = "board"
	Reset   = "reset"
)

var (
	// ErrInvalid means the token was forged, altered or made for something else.
	ErrInvalid = errors.New("invalid link")
	// ErrExpired means the token was genuine but its time is over.
	ErrExpired = errors.New("expired link")
)

// Claims is what a token says. Unused ids are zero.
type Claims struct {
	CommuneID    int64  `json:"c"`
	DemandID     int64  `json:"d,omitempty"`
	ServiceID    int64  `json:"s,omitempty"`
	AssignmentID int64  `json:"a,omitempty"`
	AgentID      int64  `json:"g,omitempty"`
	Epoch        int64  `json:"e,omitempty"` // a counter stored beside the subject; bumping it revokes older tokens
	Nonce        string `json:"n,omitempty"`
	Expires      int64  `json:"x"`
}

// ExpiresAt is the claims' expiry as a time.
func (c Claims) ExpiresAt() time.Time { return time.Unix(c.Expires, 0) }

// Signer makes and checks tokens.
type Signer struct {
	codecs []securecookie.Codec
	Now    func() time.Time
}

// New makes a signer from hash-key/block-key pairs (block keys may be nil).
// The first pair signs; every pair verifies, which lets keys rotate.
func New(keyPairs ...[]byte) *Signer {
	codecs := securecookie.CodecsFromPairs(keyPairs...)
	for _, c := range codecs {
		sc := c.(*securecookie.SecureCookie)
		sc.MaxAge(0) // our own expiry is in the payload
		sc.SetSerializer(securecookie.JSONEncoder{})
		sc.MaxLength(0)
	}
	return &Signer{codecs: codecs, Now: time.Now}
}

// Sign makes a token for purpose that expires after ttl.
func (s *Signer) Sign(purpose string, c Claims, ttl time.Duration) (string, error) {
	c.Expires = s.Now().Add(ttl).Unix()
	tok, err := securecookie.EncodeMulti(purpose, c, s.codecs...)
	if err != nil {
		return "", fmt.Errorf("sign %s link: %w", purpose, err)
	}
	return tok, nil
}

// Verify checks a token made for purpose and returns its claims.
func (s *Signer) Verify(purpose, token string) (Claims, error) {
	var c Claims
	if token == "" {
		return c, ErrInvalid
	}
	if err := securecookie.DecodeMulti(purpose, token, &c, s.codecs...); err != nil {
		return Claims{}, ErrInvalid
	}
	if !s.Now().Before(c.ExpiresAt()) {
		return c, ErrExpired
	}
	return c, nil
}
