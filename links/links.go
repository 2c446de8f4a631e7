// Package links signs and verifies the tokens carried by e-mailed links: a
// citizen's follow link, a service's action link, a service's board, a
// password reset. A token is bound to its purpose (securecookie's name), to
// the rows it names, and to an expiry of its own, so that "expired" can be
// told from "forged". Several keys allow rotation: the first signs; the
// others are retired keys that still verify until their own date, so links
// sent before a rotation keep working for a while, then stop.
package links

import (
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/securecookie"

	"guichet/clock"
)

// Purposes. A token made for one purpose never verifies for another.
const (
	Follow  = "follow"
	Service = "service"
	Board   = "board"
	Reset   = "reset"
	// Conversation is a citizen's link to one conversation's thread.
	Conversation = "conversation"
	// Escalation is level 2's link to one escalation (conversation.Escalate).
	Escalation = "escalation"
	// Rating is a citizen's single-use link to rate an answer (one rating
	// request: RatingID, bound to its demand, conversation or experience).
	Rating = "rating"
	// Experience is a service's link to an experience routed to it.
	Experience = "experience"
	// KeepDraft is a citizen's link that keeps a draft from expiring (retention/).
	KeepDraft = "keep-draft"
)

var (
	// ErrInvalid means the token was forged, altered, made for something
	// else, or signed with a key retired since.
	ErrInvalid = errors.New("invalid link")
	// ErrExpired means the token was genuine but its time is over.
	ErrExpired = errors.New("expired link")
)

// Claims is what a token says. Unused ids are zero.
type Claims struct {
	CommuneID    int64 `json:"c"`
	DemandID     int64 `json:"d,omitempty"`
	ServiceID    int64 `json:"s,omitempty"`
	AssignmentID int64 `json:"a,omitempty"`
	AgentID      int64 `json:"g,omitempty"`
	// ConversationID names a conversation (purpose Conversation).
	ConversationID int64 `json:"v,omitempty"`
	// EscalationID names an escalation (purpose Escalation).
	EscalationID int64 `json:"l,omitempty"`
	// RatingID names a rating request (purpose Rating); ExperienceID an
	// experience (purposes Rating and Experience).
	RatingID     int64  `json:"r,omitempty"`
	ExperienceID int64  `json:"p,omitempty"`
	Epoch        int64  `json:"e,omitempty"` // a counter stored beside the subject; bumping it revokes older tokens
	Nonce        string `json:"n,omitempty"`
	Expires      int64  `json:"x"`
}

// ExpiresAt is the claims' expiry as a time.
func (c Claims) ExpiresAt() time.Time { return time.Unix(c.Expires, 0) }

// Key is one signing key (Block, optional, also encrypts). A key with a
// NotAfter is retired: it never signs, and verifies tokens only before
// NotAfter.
type Key struct {
	Secret   []byte
	Block    []byte
	NotAfter time.Time
}

type codec struct {
	sc       *securecookie.SecureCookie
	secret   []byte // for the short reply tokens (reply.go)
	notAfter time.Time
}

// Signer makes and checks tokens.
type Signer struct {
	codecs []codec
	// Clock decides expiry and key retirement (nil: the system's).
	Clock clock.Clock
}

// New makes a signer from hash-key/block-key pairs (block keys may be nil).
// The first pair signs; every pair verifies, with no end date.
func New(keyPairs ...[]byte) *Signer {
	var ks []Key
	for i := 0; i < len(keyPairs); i += 2 {
		k := Key{Secret: keyPairs[i]}
		if i+1 < len(keyPairs) {
			k.Block = keyPairs[i+1]
		}
		ks = append(ks, k)
	}
	return NewRotating(ks...)
}

// NewRotating makes a signer from keys: the first signs, the others verify
// until their NotAfter.
func NewRotating(keys ...Key) *Signer {
	s := &Signer{}
	for _, k := range keys {
		sc := securecookie.New(k.Secret, k.Block)
		sc.MaxAge(0) // our own expiry is in the payload
		sc.SetSerializer(securecookie.JSONEncoder{})
		sc.MaxLength(0)
		s.codecs = append(s.codecs, codec{sc: sc, secret: k.Secret, notAfter: k.NotAfter})
	}
	return s
}

// Sign makes a token for purpose that expires after ttl.
func (s *Signer) Sign(purpose string, c Claims, ttl time.Duration) (string, error) {
	if len(s.codecs) == 0 {
		return "", errors.New("links: no key")
	}
	c.Expires = s.Clock.Now().Add(ttl).Unix()
	tok, err := s.codecs[0].sc.Encode(purpose, c)
	if err != nil {
		return "", fmt.Errorf("sign %s link: %w", purpose, err)
	}
	return tok, nil
}

// Verify checks a token made for purpose and returns its claims. The claims
// come back with ErrExpired too: the link is genuine, only too old.
func (s *Signer) Verify(purpose, token string) (Claims, error) {
	// securecookie's base64 decoding ignores line breaks and the unused
	// bits of the last character: only the token exactly as signed is
	// accepted, so that no altered token verifies.
	if b, err := base64.URLEncoding.DecodeString(token); token == "" || err != nil || base64.URLEncoding.EncodeToString(b) != token {
		return Claims{}, ErrInvalid
	}
	now := s.Clock.Now()
	for _, k := range s.codecs {
		if !k.notAfter.IsZero() && !now.Before(k.notAfter) {
			continue // retired and past its rotation period
		}
		var c Claims
		if k.sc.Decode(purpose, token, &c) != nil {
			continue
		}
		if !now.Before(c.ExpiresAt()) {
			return c, ErrExpired
		}
		return c, nil
	}
	return Claims{}, ErrInvalid
}
